output "stream_id" {
  description = "Datastream stream id."
  value       = google_datastream_stream.this.stream_id
}
