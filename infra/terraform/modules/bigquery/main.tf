# Dataset holding the mirror tables and change logs the sync consumer creates from the source
# schema. Writers get dataEditor on this dataset only; jobUser is granted at project level
# because BigQuery jobs (loads, MERGE) are project resources.

resource "google_bigquery_dataset" "this" {
  project                    = var.project_id
  dataset_id                 = var.dataset_id
  location                   = var.location
  description                = "Riverbed CDC: mirror tables (current rows) and *_changes logs."
  delete_contents_on_destroy = !var.deletion_protection

  labels = {
    app = "riverbed"
  }
}

resource "google_bigquery_dataset_iam_member" "writers" {
  for_each   = toset(var.writer_members)
  project    = var.project_id
  dataset_id = google_bigquery_dataset.this.dataset_id
  role       = "roles/bigquery.dataEditor"
  member     = each.value
}

resource "google_bigquery_dataset_iam_member" "readers" {
  for_each   = toset(var.reader_members)
  project    = var.project_id
  dataset_id = google_bigquery_dataset.this.dataset_id
  role       = "roles/bigquery.dataViewer"
  member     = each.value
}

resource "google_project_iam_member" "job_users" {
  for_each = toset(concat(var.writer_members, var.reader_members))
  project  = var.project_id
  role     = "roles/bigquery.jobUser"
  member   = each.value
}
