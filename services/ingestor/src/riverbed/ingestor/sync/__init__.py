"""CDC sync: sources of change events, the apply loop, and OLAP sinks."""
