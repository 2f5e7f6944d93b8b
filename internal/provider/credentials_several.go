package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// When the settings of several credential methods are present, the first in the
// documented order signs in and the others are ignored. That is deliberate (one fixed
// order, no guessing), but a left-over ARM_CLIENT_SECRET beside an access_token usually
// means the user expects another identity than the one used, so the plan says so.
// Only settings the user set count: use_cli's default of true, or the OIDC variables a CI
// runner exports on its own, are no choice of theirs.

// severalMethodsWarning warns when methods other than credentialMethods[used] are
// configured. whyNot holds why each earlier method gave no token.
func severalMethodsWarning(in *credentialInput, used int, whyNot []string) diag.Diagnostics {
	var ignored []string
	for i, m := range credentialMethods {
		if i == used {
			continue
		}
		by := m.configuredBy(in)
		if len(by) == 0 {
			continue
		}
		line := fmt.Sprintf("- %s (set by %s)", m.name, strings.Join(by, ", "))
		if i < used && whyNot[i] != "" {
			line += ": " + whyNot[i]
		}
		ignored = append(ignored, line)
	}
	if len(ignored) == 0 {
		return nil
	}
	chosen := credentialMethods[used]
	usedBy := ""
	if by := chosen.configuredBy(in); len(by) > 0 {
		usedBy = " (set by " + strings.Join(by, ", ") + ")"
	}
	order := make([]string, len(credentialMethods))
	for i, m := range credentialMethods {
		order[i] = m.name
	}
	var diags diag.Diagnostics
	diags.AddWarning("Several credential methods are configured",
		fmt.Sprintf("The provider signs in with the %s method%s, the first configured one in its order (%s). "+
			"These methods are configured too and not used:\n%s\n\nRemove the settings of the methods you do not mean to use "+
			"(attributes or environment variables) to sign in the way you expect and silence this warning. %s",
			chosen.name, usedBy, strings.Join(order, ", "), strings.Join(ignored, "\n"), credentialsDocs))
	return diags
}

// setBy names where each set setting came from.
func setBy(settings ...setting) []string {
	var by []string
	for _, s := range settings {
		if s.set() {
			by = append(by, s.from)
		}
	}
	return by
}

func accessTokenSetBy(in *credentialInput) []string {
	return setBy(in.str(in.cfg.AccessToken, "access_token", EnvAccessToken))
}

func clientCertificateSetBy(in *credentialInput) []string {
	return setBy(in.str(in.cfg.ClientCertificate, "client_certificate", EnvClientCertificate),
		in.str(in.cfg.ClientCertificatePath, "client_certificate_path", EnvClientCertificatePath))
}

func clientSecretSetBy(in *credentialInput) []string {
	return setBy(in.str(in.cfg.ClientSecret, "client_secret", EnvClientSecret),
		in.str(in.cfg.ClientSecretFilePath, "client_secret_file_path", EnvClientSecretFilePath))
}

// oidcSetBy follows oidcMethod's switch: use_oidc = true, or, with use_oidc not set at
// all, an oidc_token or oidc_token_file_path. Request URLs and AZURE_FEDERATED_TOKEN_FILE
// alone are ambient (a CI runner or the AKS webhook sets them).
func oidcSetBy(in *credentialInput) []string {
	use, explicit, from, d := in.flag(in.cfg.UseOIDC, "use_oidc", EnvUseOIDC, false)
	if d.HasError() || (explicit && !use) {
		return nil
	}
	tokens := setBy(in.str(in.cfg.OIDCToken, "oidc_token", EnvOIDCToken),
		in.str(in.cfg.OIDCTokenFilePath, "oidc_token_file_path", EnvOIDCTokenFilePath))
	if explicit {
		return append([]string{from}, tokens...)
	}
	return tokens
}

func managedIdentitySetBy(in *credentialInput) []string {
	return flagSetBy(in.flag(in.cfg.UseMSI, "use_msi", EnvUseMSI, false))
}

// azureCLISetBy counts use_cli only when set to true explicitly: its default is true.
func azureCLISetBy(in *credentialInput) []string {
	return flagSetBy(in.flag(in.cfg.UseCLI, "use_cli", EnvUseCLI, true))
}

func flagSetBy(on, explicit bool, from string, d diag.Diagnostics) []string {
	if d.HasError() || !explicit || !on {
		return nil
	}
	return []string{from}
}
