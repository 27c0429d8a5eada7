//go:build regresolve_dockercompat

// SystemContext.DockerCompatAuthFilePath exists from containers/image 5.29 on.
package main

import "github.com/containers/image/v5/types"

func init() { features = append(features, "docker_compat_auth_file_path") }

func setDockerCompatAuthFilePath(sys *types.SystemContext, path string) error {
	sys.DockerCompatAuthFilePath = path
	return nil
}
