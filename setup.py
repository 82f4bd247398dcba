"""The one part of the build that pyproject.toml cannot say: ship the top-level assets/ folder
inside the engine package.

Why: the repository keeps its data at the top (assets/presets, later assets/lessons), where
people look for it, but an installed app can only find data that lives inside one of its
packages.  Mapping the folder to ``engine.assets`` puts it at ``engine/assets/…`` in the wheel,
where engine.files.assets.asset_folder finds it through importlib.resources; a checkout or an
editable install reads the top-level folder itself.  Everything else is in pyproject.toml.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["engine", "engine.*", "gui", "gui.*"]), "engine.assets"],
    package_dir={"engine.assets": "assets"},
    package_data={"engine.assets": ["**/*"]},
)
