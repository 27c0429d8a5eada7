// Credential lookup through pkg/docker/config (every era has it).
package main

import (
	"github.com/containers/image/v5/docker/reference"
	"github.com/containers/image/v5/pkg/docker/config"
	"github.com/containers/image/v5/types"
)

func init() { features = append(features, "credentials") }

func credentialsForRef(sys *types.SystemContext, ref reference.Named) (types.DockerAuthConfig, error) {
	return config.GetCredentialsForRef(sys, ref)
}

func credentialsForKey(sys *types.SystemContext, key string) (types.DockerAuthConfig, error) {
	return config.GetCredentials(sys, key)
}
