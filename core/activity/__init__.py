"""The activity context: what shoppers do that matters for recommendations and analytics (views,
searches, cart changes, purchases, reviews), kept in an activity log and as signals (co-views,
co-purchases, affinities) the recommendations context reads."""
