//go:build regresolve_nsproxy

// Endpoint.NamespaceProxy (the namespace-proxy key) exists from containers/image 5.41 on.
package main

import "github.com/containers/image/v5/pkg/sysregistriesv2"

func init() { features = append(features, "namespace_proxy") }

func namespaceProxy(e *sysregistriesv2.Endpoint) *string {
	s := e.NamespaceProxy
	return &s
}
