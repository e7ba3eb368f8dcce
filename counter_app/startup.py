"""Before the counter is built: the settings as the store on disk has them (light: plain sqlite3, no SQLAlchemy).

The entry points call this right after reading the settings, so the sign-in screen shows the workstation the store
belongs to before anything heavy loads; the composition root checks again after migrating.
"""

from __future__ import annotations

from dataclasses import replace

from counter_app.config import DEFAULT_WORKSTATION, ConfigError, Settings
from counter_app.store.identity_peek import peek_identity


def resolve_settings(settings: Settings) -> Settings:
    """The settings as the store on disk has them: its own workstation name and demo flag win (a name given
    that disagrees is refused). Read without SQLAlchemy, before the window paints; ``build_counter`` checks
    again after migrating."""
    found = peek_identity(settings.db_path)
    if found is None:
        if not settings.workstation and settings.demo:
            return replace(settings, workstation=DEFAULT_WORKSTATION)
        return settings
    workstation, demo = found
    if workstation:
        if settings.workstation_source and settings.workstation and settings.workstation != workstation:
            raise ConfigError(
                f"{settings.data_dir} holds the store of workstation {workstation} (its receipts are numbered "
                f"{workstation}-…), but {settings.workstation_source} names {settings.workstation}. A store keeps "
                f"the name it was created with: remove {settings.workstation} from {settings.workstation_source}, "
                f"or use the data folder of {settings.workstation}.")
        settings = replace(settings, workstation=workstation)
    if demo is not None:
        if settings.demo and not demo:
            raise ConfigError(f"{settings.data_dir} holds a real (non-demo) store: run without --demo.")
        settings = replace(settings, demo=demo)
    return settings
