"""Run inside Airflow's own virtualenv: load the DAG folder with DagBag, then `dag.test()`."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone


def main() -> None:
    """Print one JSON line: import errors, the DAG's shape and the test run's task states."""
    dags_folder, logical = sys.argv[1], sys.argv[2]
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=dags_folder)
    out: dict[str, object] = {"import_errors": {k: str(v) for k, v in bag.import_errors.items()}}
    dag = bag.get_dag("sav_daily")
    if dag is None:
        print(json.dumps(out))
        return
    out["tasks"] = sorted(t.task_id for t in dag.tasks)
    out["retries"] = {t.task_id: t.retries for t in dag.tasks}
    out["schedule"] = str(dag.schedule)
    when = datetime.fromisoformat(logical).replace(tzinfo=timezone.utc)  # noqa: UP017
    run = dag.test(logical_date=when)
    out["state"] = str(run.state)
    out["task_states"] = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    if len(sys.argv) > 3 and sys.argv[3] == "--twice":  # rerun the same logical date
        again = dag.test(logical_date=when)
        out["rerun_state"] = str(again.state)
    print("RESULT " + json.dumps(out))


if __name__ == "__main__":
    main()
