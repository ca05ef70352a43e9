terraform {
  # 1.2+ for lifecycle preconditions; checked with 1.11.
  required_version = ">= 1.2"

  required_providers {
    temporalcloud = {
      source  = "temporalio/temporalcloud"
      version = "1.3.0"
    }
  }
}

# The Cloud Ops API key comes from TEMPORAL_CLOUD_API_KEY (never from a file in this folder).
provider "temporalcloud" {
  allowed_account_id = var.allowed_account_id
}
