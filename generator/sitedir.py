"""Where a built site is published, and how it is swapped into place.

The published folder is replaced whole, so it must be one the generator may replace: never the
repository, its .git or a source folder, and never a folder of someone else's files. The new
build is exchanged with the old in one step (Linux's renameat2 with RENAME_EXCHANGE), so at every
moment, a killed build included, the folder holds one complete site. A site/ that is a symbolic
link (to a web server's root) keeps its link: the folder it points to is exchanged.
"""

from __future__ import annotations

import ctypes
import os
import shutil
from pathlib import Path

from .settings import Settings

# A folder holding this file was built by the generator and may be replaced.
MARKER = "assets/transparency/transparency.css"
_SOURCES = {
    "docs_dir": "the hand-written pages",
    "decisions_dir": "the decision records",
    "funding_dir": "the funding tables",
    "toolkit_dir": "the toolkit documents",
    "files_dir": "the decision documents",
}


def location(site_dir: Path) -> Path:
    """The folder that is actually replaced: site_dir, or where its symbolic link points."""
    site_dir = Path(os.path.abspath(site_dir))
    return site_dir.resolve() if site_dir.is_symlink() else site_dir


def problem(
    site_dir: Path, settings: Settings, shown: str | None = None, *, others_files: bool = True
) -> str | None:
    """Why the build must not publish into site_dir, in one line (naming it as `shown`); None when
    it may.

    others_files: also refuse a folder holding files that are not a site this generator built
    (off for `mkdocs serve`, whose folder is its own temporary one)."""
    target = location(site_dir).resolve()
    shown = shown or str(site_dir)
    root = settings.root.resolve()
    guarded = {root: "the repository's folder", root / ".git": "the repository's history (.git)"}
    guarded |= {settings.path(name): what for name, what in _SOURCES.items()}
    for folder, what in guarded.items():
        if folder == target or folder.is_relative_to(target):
            return (
                f"{shown}: refusing to publish here: the build replaces this folder whole, and "
                f"it {'is' if folder == target else 'holds'} {what}: choose another folder, such "
                "as site/"
            )
        if what != "the repository's folder" and target.is_relative_to(folder):
            return (
                f"{shown}: refusing to publish inside {what}: choose a folder outside them, "
                "such as site/"
            )
    if (
        others_files
        and target.is_dir()
        and any(target.iterdir())
        and not (target / MARKER).is_file()
    ):
        return (
            f"{shown}: refusing to publish here: the folder holds files that are not a site "
            "built by this generator, and "
            "the build would replace them: empty it or choose another folder"
        )
    if target.exists() and not target.is_dir():
        return f"{shown}: refusing to publish here: it is a file, not a folder"
    return None


def remove_leftovers(site_dir: Path) -> None:
    """Folders a killed build left beside the site (their names are the generator's own)."""
    target = location(site_dir)
    for pattern in (f".{target.name}-new-*", f".{target.name}-old-*"):
        for folder in target.parent.glob(pattern):
            if folder.is_dir() and not folder.is_symlink():
                shutil.rmtree(folder, ignore_errors=True)


def ordinary_permissions(folder: Path) -> None:
    """Folders 0755 and files 0644 (under the usual umask), for a web server running as another
    user: the build folder starts as a private temporary folder (0700)."""
    umask = os.umask(0)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)
    for parent, folders, files in os.walk(folder):
        for name in folders:
            os.chmod(os.path.join(parent, name), 0o777 & ~umask)
        for name in files:
            os.chmod(os.path.join(parent, name), 0o666 & ~umask)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step; False where the system or file system cannot."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    error = ctypes.get_errno()
    if error in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: no exchange here
        return False
    raise OSError(error, os.strerror(error), str(second))


def replace(build_dir: Path, site_dir: Path) -> str | None:
    """Put the new build in the site's place; a warning when it could not be done atomically."""
    target = location(site_dir)
    if not target.exists():
        build_dir.rename(target)
        return None
    if _exchange(build_dir, target):
        shutil.rmtree(build_dir)  # now the old site
        return None
    # Two renames: for a moment there is no site at all.
    old = build_dir.with_name(build_dir.name.replace("-new-", "-old-", 1))
    target.rename(old)
    try:
        build_dir.rename(target)
    except OSError:
        old.rename(target)
        raise
    shutil.rmtree(old)
    return (
        f"{site_dir}: this system cannot swap folders in one step: the site was missing for a "
        "moment while it was replaced"
    )
