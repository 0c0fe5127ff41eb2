"""The whole-project phase: before files are converted, what every module of the project exports
that bears on BatchNorm (``summary`` per module, ``index`` across modules), so that a file is
converted with what its imports mean (``from .wrappers import BatchNorm2d``). ``load_project``
finds the project root, reads only the modules whose content changed since the cache was written
(``cache``), and gives the index the conversion uses.
"""

from bnport.project.build import load_project, project_root
from bnport.project.index import Export, ProjectIndex

__all__ = ["Export", "ProjectIndex", "load_project", "project_root"]
