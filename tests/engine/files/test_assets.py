"""engine.files.assets: the asset folder is package data first, the checkout's assets/ second."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.files import assets
from engine.files.assets import asset_folder
from tests.paths import ROOT


def test_in_a_checkout_the_top_level_folder_is_used() -> None:
    assert asset_folder("presets") == ROOT / "assets" / "presets"
    assert (asset_folder("presets") / "launch.toml").is_file()


def test_packaged_data_comes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine_dir = tmp_path / "site-packages" / "engine"
    (engine_dir / "assets" / "lessons").mkdir(parents=True)
    monkeypatch.setattr(assets, "_engine_dir", lambda: engine_dir)
    assert asset_folder("lessons") == engine_dir / "assets" / "lessons"


def test_a_stray_assets_folder_beside_the_package_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Installed without its data, the app must not pick up someone else's site-packages/assets."""
    site = tmp_path / "site-packages"
    (site / "engine").mkdir(parents=True)
    (site / "assets" / "presets").mkdir(parents=True)
    monkeypatch.setattr(assets, "_engine_dir", lambda: site / "engine")
    found = asset_folder("presets")
    assert found == site / "engine" / "assets" / "presets" and not found.exists()


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "../presets", "a\\b"])
def test_only_plain_folder_names(name: str) -> None:
    with pytest.raises(ValueError, match="plain name"):
        asset_folder(name)
