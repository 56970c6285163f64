# Secret Manager secrets (database URLs, passwords) and who may read each of them.

resource "google_secret_manager_secret" "this" {
  for_each  = toset(var.secret_ids)
  project   = var.project_id
  secret_id = "${var.name}-${each.value}"

  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_version" "this" {
  for_each    = toset(var.secret_ids)
  secret      = google_secret_manager_secret.this[each.value].id
  secret_data = var.secret_values[each.value]
}

locals {
  grants = flatten([
    for secret_id, members in var.accessors : [
      for member in members : { key = "${secret_id}/${member}", secret_id = secret_id, member = member }
    ]
  ])
}

resource "google_secret_manager_secret_iam_member" "accessors" {
  for_each  = { for g in local.grants : g.key => g }
  project   = var.project_id
  secret_id = google_secret_manager_secret.this[each.value.secret_id].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = each.value.member
}
