package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Environment variables of the credential settings. The ARM_* names are the ones the
// azurerm, azuread and msgraph providers read, so pipelines set up for those work here.
const (
	EnvTenantID                  = "ARM_TENANT_ID"
	EnvClientID                  = "ARM_CLIENT_ID"
	EnvClientIDFilePath          = "ARM_CLIENT_ID_FILE_PATH"
	EnvClientSecret              = "ARM_CLIENT_SECRET"
	EnvClientSecretFilePath      = "ARM_CLIENT_SECRET_FILE_PATH"
	EnvClientCertificate         = "ARM_CLIENT_CERTIFICATE"
	EnvClientCertificatePath     = "ARM_CLIENT_CERTIFICATE_PATH"
	EnvClientCertificatePassword = "ARM_CLIENT_CERTIFICATE_PASSWORD"
	EnvUseOIDC                   = "ARM_USE_OIDC"
	EnvOIDCToken                 = "ARM_OIDC_TOKEN"
	EnvOIDCTokenFilePath         = "ARM_OIDC_TOKEN_FILE_PATH"
	EnvOIDCRequestURL            = "ARM_OIDC_REQUEST_URL"
	EnvActionsRequestURL         = "ACTIONS_ID_TOKEN_REQUEST_URL"
	EnvAzurePipelinesRequestURL  = "SYSTEM_OIDCREQUESTURI"
	EnvOIDCRequestToken          = "ARM_OIDC_REQUEST_TOKEN"
	EnvActionsRequestToken       = "ACTIONS_ID_TOKEN_REQUEST_TOKEN"
	EnvAzurePipelinesAccessToken = "SYSTEM_ACCESSTOKEN"
	EnvOIDCServiceConnectionID   = "ARM_OIDC_AZURE_SERVICE_CONNECTION_ID"
	EnvADOPipelineServiceConnID  = "ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID"
	EnvFederatedTokenFile        = "AZURE_FEDERATED_TOKEN_FILE"
	EnvAzureClientID             = "AZURE_CLIENT_ID"
	EnvAzureTenantID             = "AZURE_TENANT_ID"
	EnvUseMSI                    = "ARM_USE_MSI"
	EnvMSIEndpoint               = "ARM_MSI_ENDPOINT"
	EnvUseCLI                    = "ARM_USE_CLI"
	EnvEnvironment               = "ARM_ENVIRONMENT"
	EnvAuthorityHost             = "AZURE_AUTHORITY_HOST" // azidentity's own name; the AKS webhook sets it
	envPath                      = "PATH"
	credentialsDocs              = "See the provider documentation's Authentication section."
)

// credentialModel is the part of the provider block that picks and feeds a credential.
// providerModel embeds it (provider.go).
type credentialModel struct {
	Environment                  types.String `tfsdk:"environment"`
	AuthorityHost                types.String `tfsdk:"authority_host"`
	TenantID                     types.String `tfsdk:"tenant_id"`
	ClientID                     types.String `tfsdk:"client_id"`
	ClientIDFilePath             types.String `tfsdk:"client_id_file_path"`
	ClientSecret                 types.String `tfsdk:"client_secret"`
	ClientSecretFilePath         types.String `tfsdk:"client_secret_file_path"`
	ClientCertificate            types.String `tfsdk:"client_certificate"`
	ClientCertificatePath        types.String `tfsdk:"client_certificate_path"`
	ClientCertificatePassword    types.String `tfsdk:"client_certificate_password"`
	UseOIDC                      types.Bool   `tfsdk:"use_oidc"`
	OIDCToken                    types.String `tfsdk:"oidc_token"`
	OIDCTokenFilePath            types.String `tfsdk:"oidc_token_file_path"`
	OIDCRequestURL               types.String `tfsdk:"oidc_request_url"`
	OIDCRequestToken             types.String `tfsdk:"oidc_request_token"`
	OIDCAzureServiceConnectionID types.String `tfsdk:"oidc_azure_service_connection_id"`
	UseMSI                       types.Bool   `tfsdk:"use_msi"`
	MSIEndpoint                  types.String `tfsdk:"msi_endpoint"`
	UseCLI                       types.Bool   `tfsdk:"use_cli"`
}

func str(desc string, sensitive bool, v ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, Sensitive: sensitive, MarkdownDescription: desc,
		Validators: append([]validator.String{stringvalidator.LengthAtLeast(1)}, v...)}
}

// credentialAttributes are the provider block's credential settings. Every secret is
// Sensitive: Terraform then keeps it out of plan output and logs.
func credentialAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"environment": str("The Microsoft cloud: `public` (default), `usgovernment`, `usgovernmentl5` or `china` "+
			"(`global` and `usgovernmentl4` are accepted as the azuread provider's names). It picks the Graph host, which is "+
			"also the token's audience (`{graph host}/.default`), and the Entra ID authority host. Defaults to `ARM_ENVIRONMENT`.",
			false, stringvalidator.OneOfCaseInsensitive(environmentNames()...)),
		"authority_host": str("The Entra ID authority host, an `https` URL such as `https://login.microsoftonline.us/`, for "+
			"private or disconnected clouds (instance discovery is then skipped). Defaults to `AZURE_AUTHORITY_HOST`, then the "+
			"environment's host.", false, httpsURLValidator{}),
		"tenant_id": str("The Entra ID tenant (directory) id. Needed by the client secret, certificate and OIDC methods; "+
			"optional for the Azure CLI. Defaults to `ARM_TENANT_ID`.", false),
		"client_id": str("The application (client) id of the app registration, or of a user-assigned managed identity. "+
			"Defaults to `ARM_CLIENT_ID`.", false),
		"client_id_file_path": str("A file holding the client id. Defaults to `ARM_CLIENT_ID_FILE_PATH`.", false),
		"client_secret":       str("A client secret of the app registration. Defaults to `ARM_CLIENT_SECRET`.", true),
		"client_secret_file_path": str("A file holding the client secret, for example a mounted Kubernetes or Docker secret. "+
			"Defaults to `ARM_CLIENT_SECRET_FILE_PATH`.", false),
		"client_certificate": str("A client certificate with its private key, base64-encoded: a PKCS#12 (PFX) bundle or a "+
			"PEM file (PEM text is accepted as is). Defaults to `ARM_CLIENT_CERTIFICATE`.", true),
		"client_certificate_path": str("Path of a client certificate with its private key: a PKCS#12 (PFX) bundle, including "+
			"those OpenSSL 3 exports (AES-256, SHA-256 MAC), or a PEM file. Defaults to `ARM_CLIENT_CERTIFICATE_PATH`.", false),
		"client_certificate_password": schema.StringAttribute{Optional: true, Sensitive: true,
			MarkdownDescription: "The password of the PKCS#12 bundle or of an encrypted PEM private key. " +
				"Defaults to `ARM_CLIENT_CERTIFICATE_PASSWORD`."},
		"use_oidc": schema.BoolAttribute{Optional: true, MarkdownDescription: "Sign in with OIDC (workload identity " +
			"federation): an OIDC token or token file, GitHub Actions, Azure DevOps, or AKS workload identity. Defaults to " +
			"`ARM_USE_OIDC`, then `false`; when it is not set at all, an `oidc_token` or `oidc_token_file_path` that is " +
			"present still turns OIDC on, and `false` turns every OIDC method off."},
		"oidc_token": str("An OIDC id token to exchange for a Graph token. Defaults to `ARM_OIDC_TOKEN`.", true),
		"oidc_token_file_path": str("A file holding an OIDC id token, read again for each exchange. Defaults to "+
			"`ARM_OIDC_TOKEN_FILE_PATH`.", false),
		"oidc_request_url": str("The URL to request an OIDC id token from: GitHub Actions' or Azure DevOps'. Defaults to "+
			"`ARM_OIDC_REQUEST_URL`, `ACTIONS_ID_TOKEN_REQUEST_URL`, then `SYSTEM_OIDCREQUESTURI`.", false),
		"oidc_request_token": str("The bearer token for `oidc_request_url`. Defaults to `ARM_OIDC_REQUEST_TOKEN`, "+
			"`ACTIONS_ID_TOKEN_REQUEST_TOKEN`, then `SYSTEM_ACCESSTOKEN`.", true),
		"oidc_azure_service_connection_id": str("The Azure DevOps service connection id; with it, `oidc_request_url` is "+
			"Azure DevOps', without it GitHub Actions'. Defaults to `ARM_OIDC_AZURE_SERVICE_CONNECTION_ID`, then "+
			"`ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID`.", false),
		"use_msi": schema.BoolAttribute{Optional: true, MarkdownDescription: "Sign in as the managed identity of the " +
			"machine, system-assigned or (with `client_id`) user-assigned. Defaults to `ARM_USE_MSI`, then `false`."},
		"msi_endpoint": str("An IMDS-compatible managed identity endpoint to use instead of "+
			"`http://169.254.169.254/metadata/identity/oauth2/token`. Defaults to `ARM_MSI_ENDPOINT`. On App Service, "+
			"Functions, Arc and Cloud Shell the platform's own variables (`IDENTITY_ENDPOINT`, `MSI_ENDPOINT`) are used.",
			false, httpURLValidator{}),
		"use_cli": schema.BoolAttribute{Optional: true, MarkdownDescription: "Sign in as the account logged in to the " +
			"Azure CLI (`az login`). Defaults to `ARM_USE_CLI`, then `true`."},
	}
}
