# Three namespaces, one per team, and the two Nexus endpoints that let the orchestrator's namespace call the tool
# namespaces. The endpoints' allowed callers are the trust boundary: only the orchestrator's namespace may call them.

locals {
  namespaces = {
    orchestrator = var.orchestrator_namespace
    finance      = var.finance_namespace
    it           = var.it_namespace
  }
  accepted_client_ca = var.client_ca_file == null ? null : base64encode(file(var.client_ca_file))
}

resource "temporalcloud_namespace" "this" {
  for_each = local.namespaces

  name               = each.value
  regions            = [var.region]
  retention_days     = var.retention_days
  api_key_auth       = var.api_key_auth
  accepted_client_ca = local.accepted_client_ca

  namespace_lifecycle = {
    enable_delete_protection = var.delete_protection
  }

  timeouts {
    create = "10m"
    delete = "10m"
  }

  lifecycle {
    precondition {
      condition     = var.api_key_auth || var.client_ca_file != null
      error_message = "Namespaces need a way in: set api_key_auth = true, or client_ca_file to the CA of your mTLS client certificates (or both)."
    }
  }
}

resource "temporalcloud_nexus_endpoint" "finance" {
  name        = var.finance_nexus_endpoint
  description = <<-EOT
    Service `finance`: one operation per finance tool (stock_price, calculate_roi, price_alert) and list_tools.
    Defined in tool-workers/finance/tools.ts (financeService); served by the finance worker.
  EOT

  worker_target = {
    namespace_id = temporalcloud_namespace.this["finance"].id
    task_queue   = var.finance_task_queue
  }
  allowed_caller_namespaces = [temporalcloud_namespace.this["orchestrator"].id]
}

resource "temporalcloud_nexus_endpoint" "it" {
  name        = var.it_nexus_endpoint
  description = <<-EOT
    Service `it`: the IT tools (session handle in `session_id`) and list_tools.
    Defined in tool-workers/it/tools.ts (itService); served by the IT worker.
  EOT

  worker_target = {
    namespace_id = temporalcloud_namespace.this["it"].id
    task_queue   = var.it_task_queue
  }
  allowed_caller_namespaces = [temporalcloud_namespace.this["orchestrator"].id]
}

# Optional: an identity per part, each reaching only its own namespace. With TOOL_TRANSPORT=nexus the orchestrator
# needs no access to the tool namespaces at all: it reaches them through the endpoints above. Create an API key for
# each with `tcld apikey create --service-account-id <id> ...` (kept out of Terraform state on purpose).
resource "temporalcloud_service_account" "part" {
  for_each = var.create_service_accounts ? local.namespaces : {}

  name        = "durable-mcp-agents-${each.key}"
  description = "durable-mcp-agents ${each.key}: write access to ${each.value} only"
  namespace_scoped_access = {
    namespace_id = temporalcloud_namespace.this[each.key].id
    permission   = "write"
  }
}
