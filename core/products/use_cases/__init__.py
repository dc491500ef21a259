"""The catalogue's use cases (categories and product cards), one module per audience."""

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
from core.products.use_cases.offers import CatalogOffers, CatalogOwnership
from core.products.use_cases.shop import BrowseShop, CatalogShopCards, ShowPublicCard

__all__ = [
    "AddCategory",
    "ApplyProductDecision",
    "ArchiveProductCard",
    "BrowseShop",
    "CatalogOffers",
    "CatalogOwnership",
    "CatalogShopCards",
    "ChangeCategoryName",
    "CreateProductCard",
    "EditProductCard",
    "ForgetPublicCards",
    "HideSellerProducts",
    "ListMyProductCards",
    "RestoreSellerProducts",
    "ShowCategoryTree",
    "ShowMyProductCard",
    "ShowPublicCard",
    "SubmitProductCard",
]
