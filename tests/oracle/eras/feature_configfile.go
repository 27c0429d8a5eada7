//go:build regresolve_configfile

// containers/image 5.40+ (storage's pkg/configfile discovery): the docker transport names the
// configuration sources of a blocked registry with ConfigurationSourceDescription.
package main

import (
	"fmt"

	"github.com/containers/image/v5/pkg/sysregistriesv2"
	"github.com/containers/image/v5/types"
)

func init() { features = append(features, "configfile_discovery") }

func blockedMessage(sys *types.SystemContext, prefix string) string {
	return fmt.Sprintf("registry %s is blocked in one of %s", prefix, sysregistriesv2.ConfigurationSourceDescription(sys))
}
