"""Streaming app + vendor books nightly pipeline on Google Cloud (docs/streaming-pipeline.md)."""

from __future__ import annotations

import sys

from diagrams import Cluster, Diagram, Edge
from diagrams.gcp.analytics import Bigquery, Composer, Looker
from diagrams.gcp.compute import Run
from diagrams.gcp.operations import Monitoring
from diagrams.gcp.storage import Storage
from diagrams.onprem.compute import Server
from diagrams.onprem.database import Duckdb, Postgresql

OUT = sys.argv[1] if len(sys.argv) > 1 else "streaming-pipeline"

GRAPH = {"fontsize": "20", "pad": "0.4", "nodesep": "0.6", "ranksep": "1.0", "splines": "spline"}

with Diagram(
    "Streaming app + vendor books: nightly full dumps to SCD2 history",
    filename=OUT,
    outformat="png",
    show=False,
    graph_attr=GRAPH,
):
    ftp = Server("vendor FTP\nfull dump 02:00\n~8 GB JSON")
    app = Postgresql("streaming app DB\nusers, movies, streams")

    with Cluster("Orchestration"):
        composer = Composer("Cloud Composer DAG\n02:00 sensor, retries,\nSLA 03:00")

    with Cluster("Landing (immutable, replayable)"):
        fetch = Run("fetch job (Cloud Run)\nFTP -> GCS, checksums,\nmanifest")
        raw = Storage("GCS raw/\ndt=YYYY-MM-DD/\n(versioned, 90 d + Archive)")

    with Cluster("Load (riverbed streaming load)"):
        loader = Run("Cloud Run job 8 vCPU\nvalidate + stage\n(DuckDB, same .sql)")
        duck = Duckdb("staging Parquet\n+ rejects")

    with Cluster("Warehouse (BigQuery)"):
        bq = Bigquery("dim_* SCD2 (MERGE)\nfact_stream (append)\nrejects, load_log")

    answers = Looker("q1..q6 views\n(streaming answers)")
    monitor = Monitoring("Cloud Monitoring\nfreshness, rejects %,\ndelete %, duration")

    composer >> Edge(label="trigger", style="dashed") >> fetch
    ftp >> Edge(label="SFTP pull") >> fetch >> raw
    app >> Edge(label="CDC / nightly export") >> raw
    composer >> Edge(label="as-of = dump date", style="dashed") >> loader
    raw >> loader >> duck >> Edge(label="load job + MERGE\n(one transaction)") >> bq
    bq >> answers
    [loader, bq, composer] >> Edge(style="dotted") >> monitor
