"""Riverbed on a laptop: everything native, embedded Debezium, DuckDB warehouse."""

from __future__ import annotations

import sys

from diagrams import Cluster, Diagram, Edge
from diagrams.onprem.client import User
from diagrams.onprem.database import Duckdb, Postgresql
from diagrams.onprem.queue import Kafka
from diagrams.programming.framework import Flask
from diagrams.programming.language import Java, Python

OUT = sys.argv[1] if len(sys.argv) > 1 else "architecture-local"

GRAPH = {"fontsize": "20", "pad": "0.4", "nodesep": "0.5", "ranksep": "1.0", "splines": "spline"}

with Diagram(
    "Riverbed local development (riverbed dev up / riverbed demo)",
    filename=OUT,
    outformat="png",
    show=False,
    graph_attr=GRAPH,
):
    dev = User("developer")

    with Cluster("riverbed dev up (native processes, no Docker)"):
        api = Flask("riverbed api serve")
        pg = Postgresql("embedded Postgres\nwal_level=logical")
        with Cluster("optional transports"):
            kafka = Kafka("--kafka: Kafka KRaft\n+ Connect (Debezium)")
            pstest = Python("--pubsub: pstest\n(Go Pub/Sub fake)")

    with Cluster("riverbed sync run"):
        embedded = Java("embedded Debezium\n(default source)")
        sink = Python("sink: MERGE + LSN guard")

    duck = Duckdb(".riverbed/warehouse.duckdb\nmirror + changelog")
    bq = Python("bqemulator\n(BigQuery API, tests)")
    jobs = Python("riverbed sav / reviews\nanalytics jobs")

    dev >> api >> pg
    pg >> Edge(label="replication slot") >> embedded >> sink
    pg >> Edge(style="dashed") >> kafka >> Edge(style="dashed") >> sink
    pg >> Edge(style="dashed") >> pstest >> Edge(style="dashed") >> sink
    sink >> duck >> jobs
    sink >> Edge(style="dotted", label="--sink bigquery") >> bq
