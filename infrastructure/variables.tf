variable "region" {
  description = "Temporal Cloud region of the three namespaces, cloud-prefixed (aws-us-east-1, gcp-us-central1, ...)."
  type        = string
  default     = "aws-us-east-1"

  validation {
    condition     = can(regex("^(aws|gcp|azure)-[a-z0-9-]+$", var.region))
    error_message = "region must be cloud-prefixed, e.g. aws-us-east-1 (not us-east-1)."
  }
}

variable "retention_days" {
  description = "Days Temporal keeps closed workflows: also how long a Finance idempotency key or a Nexus request id dedupes."
  type        = number
  default     = 14

  validation {
    condition     = var.retention_days >= 1 && var.retention_days <= 90 && floor(var.retention_days) == var.retention_days
    error_message = "retention_days must be a whole number of days from 1 to 90."
  }
}

variable "orchestrator_namespace" {
  description = "Name of the orchestrator's namespace (conversations; the Nexus caller). Its id is TEMPORAL_NAMESPACE."
  type        = string
  default     = "agents"
}

variable "finance_namespace" {
  description = "Name of the finance tools' namespace. Its id is TEMPORAL_FINANCE_NAMESPACE."
  type        = string
  default     = "finance-namespace"
}

variable "it_namespace" {
  description = "Name of the IT tools' namespace. Its id is TEMPORAL_IT_NAMESPACE."
  type        = string
  default     = "it-namespace"
}

variable "finance_nexus_endpoint" {
  description = "Nexus endpoint of the finance tools (FINANCE_NEXUS_ENDPOINT)."
  type        = string
  default     = "finance-nexus-endpoint"
}

variable "it_nexus_endpoint" {
  description = "Nexus endpoint of the IT tools (IT_NEXUS_ENDPOINT)."
  type        = string
  default     = "it-nexus-endpoint"
}

variable "finance_task_queue" {
  description = "Task queue the finance worker polls (FINANCE_TASK_QUEUE): where the finance endpoint routes."
  type        = string
  default     = "finance-tools"
}

variable "it_task_queue" {
  description = "Task queue the IT worker polls (IT_TASK_QUEUE): where the IT endpoint routes."
  type        = string
  default     = "it-tools"
}

variable "api_key_auth" {
  description = "Let clients connect to the namespaces with API keys (TEMPORAL_API_KEY)."
  type        = bool
  default     = true
}

variable "client_ca_file" {
  description = "PEM file of the CA(s) that sign the workers' mTLS client certificates (TEMPORAL_TLS_CLIENT_CERT_PATH); null for API keys only."
  type        = string
  default     = null
}

variable "delete_protection" {
  description = "Refuse to delete the namespaces (set false and apply before a destroy)."
  type        = bool
  default     = true
}

variable "create_service_accounts" {
  description = "Create one service account per part (orchestrator, finance, IT), each with write access to its own namespace only."
  type        = bool
  default     = false
}

variable "allowed_account_id" {
  description = "The Temporal Cloud account this may change; guards against applying to another account. null: whichever the API key belongs to."
  type        = string
  default     = null
}
