"""The products context's use cases: categories and cards, the shop's reads, stock and images."""

from core.products.use_cases.cards import (
    ArchiveProductCard,
    CreateProductCard,
    EditProductCard,
    ListMyProductCards,
    ShowMyProductCard,
    SubmitProductCard,
)
from core.products.use_cases.categories import AddCategory, ChangeCategoryName, ShowCategoryTree
from core.products.use_cases.decisions import (
    ApplyProductDecision,
    ForgetPublicCards,
    HideSellerProducts,
    RestoreSellerProducts,
)
from core.products.use_cases.media import ConfirmImageUpload, ListProductImages, RemoveProductImage, RequestImageUpload
from core.products.use_cases.offers import CatalogOffers, CatalogOwnership, CatalogPublishedCards, CatalogShelves
from core.products.use_cases.shop import BrowseShop, CatalogShopCards, ShowPublicCard
from core.products.use_cases.stock import CommitStock, ReleaseStock, ReserveStock, SetStock, ShowStock

__all__ = [
    "AddCategory",
    "ApplyProductDecision",
    "ArchiveProductCard",
    "BrowseShop",
    "CatalogOffers",
    "CatalogOwnership",
    "CatalogPublishedCards",
    "CatalogShelves",
    "CatalogShopCards",
    "ChangeCategoryName",
    "CommitStock",
    "ConfirmImageUpload",
    "CreateProductCard",
    "EditProductCard",
    "ForgetPublicCards",
    "HideSellerProducts",
    "ListMyProductCards",
    "ListProductImages",
    "ReleaseStock",
    "RemoveProductImage",
    "RequestImageUpload",
    "ReserveStock",
    "RestoreSellerProducts",
    "SetStock",
    "ShowCategoryTree",
    "ShowMyProductCard",
    "ShowPublicCard",
    "ShowStock",
    "SubmitProductCard",
]
