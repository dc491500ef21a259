"""The logistics context: shipments, carriers and the tracking timeline."""
