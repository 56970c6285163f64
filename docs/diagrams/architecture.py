"""Riverbed on Google Cloud: OLTP API -> Cloud SQL -> Debezium -> Pub/Sub -> consumer -> BigQuery."""

from __future__ import annotations

import sys

from diagrams import Cluster, Diagram, Edge
from diagrams.gcp.analytics import Bigquery, Composer, Pubsub
from diagrams.gcp.compute import Run
from diagrams.gcp.database import SQL
from diagrams.gcp.devtools import ContainerRegistry
from diagrams.gcp.security import SecretManager
from diagrams.gcp.storage import Storage
from diagrams.onprem.client import Users
from diagrams.onprem.queue import Kafka

OUT = sys.argv[1] if len(sys.argv) > 1 else "architecture"

GRAPH = {"fontsize": "20", "pad": "0.4", "nodesep": "0.5", "ranksep": "1.0", "splines": "spline"}

with Diagram(
    "Riverbed on Google Cloud", filename=OUT, outformat="png", show=False, graph_attr=GRAPH
):
    users = Users("clients")

    with Cluster("OLTP"):
        api = Run("riverbed api\n(Cloud Run)")
        cloudsql = SQL("Cloud SQL PostgreSQL\nlogical decoding")

    with Cluster("Change data capture"):
        debezium = Run("Debezium Server\n(Cloud Run, 1 instance)")
        pubsub = Pubsub("Pub/Sub topic\nordering key = primary key")
        dead = Pubsub("dead-letter topic")
        kafka = Kafka("or Kafka + Connect\n(docker-compose)")
        consumers = Run("riverbed sync run\n--source pubsub\n(Cloud Run, N instances)")

    with Cluster("OLAP"):
        bigquery = Bigquery("BigQuery\nmirror tables + change logs\n(staging + MERGE, LSN guard)")

    with Cluster("Batch (scheduled by Cloud Composer / Airflow)"):
        composer = Composer("Cloud Composer\n(Airflow)")
        landing = Storage("landing bucket\n(DSR, FX files)")
        ingestors = Run("batch ingestors\nriverbed dsr / fx\n(Cloud Run jobs)")
        analytics = Run("analytics jobs\nriverbed sav / reviews\n(Cloud Run jobs)")

    with Cluster("Platform"):
        registry = ContainerRegistry("Artifact Registry")
        secrets = SecretManager("Secret Manager")

    users >> api >> cloudsql
    cloudsql >> Edge(label="pgoutput slot") >> debezium >> pubsub >> consumers
    cloudsql >> Edge(style="dashed") >> kafka >> Edge(style="dashed") >> consumers
    consumers >> Edge(label="unparseable", style="dotted") >> dead
    consumers >> Edge(label="1 MERGE / table / batch") >> bigquery
    composer >> [ingestors, analytics]
    landing >> ingestors >> cloudsql
    bigquery >> analytics
    secrets >> Edge(style="dotted", label="credentials") >> debezium
    registry >> Edge(style="dotted", label="images") >> api
