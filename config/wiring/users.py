from __future__ import annotations

from adapters.memory.users import MemoryUsersUnitOfWork, UsersTables
from config.runtime import Wiring
from core.users import use_cases as uc
from core.users.address_book import UserAddressBook
from ports.checkout import AddressBook
from ports.users import UsersUnitOfWork

DATABASE = "users"


def register(w: Wiring) -> None:
    if w.infra:
        from adapters.postgres.users.repository import PostgresUsersUnitOfWork

        pool, nudge = w.pool(DATABASE), w.nudge(DATABASE)
        w.units_of_work(UsersUnitOfWork, lambda: PostgresUsersUnitOfWork(pool, nudge))
    else:
        tables = UsersTables()
        w.units_of_work(UsersUnitOfWork, lambda: MemoryUsersUnitOfWork(tables, w.bus))
    # What checkout reads of a customer's address book.
    c = w.container
    c.register(AddressBook, factory=lambda: UserAddressBook(w.units_of_work_of(UsersUnitOfWork)))
    w.use_cases(
        uc.CreateUserProfile,
        uc.EraseUser,
        uc.ShowProfile,
        uc.EditProfile,
        uc.ChangePreferences,
        uc.AddUserAddress,
        uc.ListUserAddresses,
        uc.ChangeUserAddress,
        uc.RemoveUserAddress,
    )
