//go:build !regresolve_dockercompat

package main

import (
	"errors"

	"github.com/containers/image/v5/types"
)

func setDockerCompatAuthFilePath(*types.SystemContext, string) error {
	return errors.New("docker_compat_auth_file_path: SystemContext.DockerCompatAuthFilePath does not exist in this containers/image version")
}
