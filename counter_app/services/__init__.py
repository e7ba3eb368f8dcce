"""Application services: each use case is a command in, ``with uow: ... uow.commit()``, a frozen result out."""
