"""The recommendations context: "recommended for you" lists precomputed per user from the shoppers'
signals, "customers also bought" and "similar products" per product, and the base feed (best sellers
and top rated per category) that guests, new users and users whose list failed see."""
