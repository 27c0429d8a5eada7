//go:build !regresolve_configfile

// Up to containers/image 5.39 the docker transport names ConfigPath and ConfigDirPath.
package main

import (
	"fmt"

	"github.com/containers/image/v5/pkg/sysregistriesv2"
	"github.com/containers/image/v5/types"
)

func blockedMessage(sys *types.SystemContext, prefix string) string {
	return fmt.Sprintf("registry %s is blocked in %s or %s",
		prefix, sysregistriesv2.ConfigPath(sys), sysregistriesv2.ConfigDirPath(sys))
}
