"""The category tree: an admin adds and renames categories; everyone reads the tree."""

from __future__ import annotations

from core.products.categories import MAX_DEPTH, Category, CategoryTree, clean_category_name
from core.products.commands import CategoryNode, CategoryView, CreateCategory, RenameCategory, ShowCategories
from core.products.use_cases.views import category_nodes, category_view, forget_cards
from core.shared.errors import NotFound, Validation, ValidationFailed
from core.shared.security import Role
from ports.products import CatalogUnitOfWork, ProductCache
from ports.shared import Clock, IdGenerator, UnitOfWorkFactory


class AddCategory:
    def __init__(self, uow: UnitOfWorkFactory[CatalogUnitOfWork], ids: IdGenerator, clock: Clock) -> None:
        self.uow, self.ids, self.clock = uow, ids, clock

    async def __call__(self, command: CreateCategory) -> CategoryView:
        command.principal.require(Role.ADMIN)
        v = Validation()
        name = clean_category_name(v, command.name)
        v.raise_if_any()
        async with self.uow() as uow:
            tree = CategoryTree([])
            if command.parent_id is not None:
                tree = CategoryTree(await uow.categories.lineage([command.parent_id]))
                if tree.get(command.parent_id) is None:
                    raise ValidationFailed.of("parent_id", "is not a category")
                if len(tree.path(command.parent_id)) >= MAX_DEPTH:
                    raise ValidationFailed.of("parent_id", f"is {MAX_DEPTH} levels deep: the tree goes no deeper")
            category = Category.create(self.ids.new_id(), name, command.parent_id, self.clock.now())
            await uow.categories.add(category)
            await uow.commit()
        return category_view(category, CategoryTree([*tree.by_id.values(), category]))


class ChangeCategoryName:
    """A rename changes the path of names every card below shows, so those cards leave the cache."""

    def __init__(self, uow: UnitOfWorkFactory[CatalogUnitOfWork], cache: ProductCache, clock: Clock) -> None:
        self.uow, self.cache, self.clock = uow, cache, clock

    async def __call__(self, command: RenameCategory) -> CategoryView:
        command.principal.require(Role.ADMIN)
        v = Validation()
        name = clean_category_name(v, command.name)
        v.raise_if_any()
        affected: list[str] = []
        async with self.uow() as uow:
            category = await uow.categories.get(command.category_id)
            if category is None:
                raise NotFound("no such category")
            if category.rename(name, self.clock.now()):
                await uow.categories.update(category)
                below = await uow.categories.subtree(category.id)
                affected = await uow.products.live_in_categories(below)
            tree = CategoryTree(await uow.categories.lineage([category.id]))
            await uow.commit()
        await forget_cards(self.cache, affected)
        return category_view(category, CategoryTree([*tree.by_id.values(), category]))


class ShowCategoryTree:
    def __init__(self, uow: UnitOfWorkFactory[CatalogUnitOfWork]) -> None:
        self.uow = uow

    async def __call__(self, command: ShowCategories) -> list[CategoryNode]:
        async with self.uow() as uow:
            tree = CategoryTree(await uow.categories.all())
        return category_nodes(tree)
