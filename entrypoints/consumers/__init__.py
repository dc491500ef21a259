"""Event consumers: ``entrypoints/consumers/<context>.py`` holds the handlers of that context's consumer
group, subscribed by ``subscribe(bus, runtime)``. ``config.contexts`` finds them."""
