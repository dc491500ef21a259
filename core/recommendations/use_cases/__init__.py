"""The recommendations use cases: building personal lists (and rebuilding failed ones), the base feed,
and what shoppers read."""

from core.recommendations.use_cases.building import (
    BuildPersonalList,
    DropPersonalList,
    QueueListBuild,
    RefreshOldLists,
    RunBuilds,
)
from core.recommendations.use_cases.feed import RebuildBaseFeed
from core.recommendations.use_cases.reading import (
    ShowAlsoBought,
    ShowBaseFeed,
    ShowRecommendations,
    ShowSimilarProducts,
)

__all__ = [
    "BuildPersonalList",
    "DropPersonalList",
    "QueueListBuild",
    "RebuildBaseFeed",
    "RefreshOldLists",
    "RunBuilds",
    "ShowAlsoBought",
    "ShowBaseFeed",
    "ShowRecommendations",
    "ShowSimilarProducts",
]
