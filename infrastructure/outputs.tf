output "namespace_ids" {
  description = "Namespace ids (<name>.<account>), as the processes take them."
  value       = { for part, ns in temporalcloud_namespace.this : part => ns.id }
}

output "grpc_addresses" {
  description = "Per namespace, the gRPC address for API-key clients (TEMPORAL_ADDRESS)."
  value       = { for part, ns in temporalcloud_namespace.this : part => ns.endpoints.grpc_address }
}

output "mtls_grpc_addresses" {
  description = "Per namespace, the gRPC address for mTLS clients (TEMPORAL_ADDRESS)."
  value       = { for part, ns in temporalcloud_namespace.this : part => ns.endpoints.mtls_grpc_address }
}

output "env" {
  description = "This project's settings for these namespaces and endpoints (add TEMPORAL_ADDRESS and credentials per process)."
  value = {
    TEMPORAL_NAMESPACE         = temporalcloud_namespace.this["orchestrator"].id
    TEMPORAL_FINANCE_NAMESPACE = temporalcloud_namespace.this["finance"].id
    TEMPORAL_IT_NAMESPACE      = temporalcloud_namespace.this["it"].id
    FINANCE_TASK_QUEUE         = var.finance_task_queue
    IT_TASK_QUEUE              = var.it_task_queue
    TOOL_TRANSPORT             = "nexus"
    FINANCE_NEXUS_ENDPOINT     = temporalcloud_nexus_endpoint.finance.name
    IT_NEXUS_ENDPOINT          = temporalcloud_nexus_endpoint.it.name
  }
}

output "service_account_ids" {
  description = "The parts' service accounts, when create_service_accounts is set."
  value       = { for part, sa in temporalcloud_service_account.part : part => sa.id }
}
