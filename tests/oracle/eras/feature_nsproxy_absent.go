//go:build !regresolve_nsproxy

// Before containers/image 5.41 an Endpoint has no namespace proxy: the field is left out.
package main

import "github.com/containers/image/v5/pkg/sysregistriesv2"

func namespaceProxy(*sysregistriesv2.Endpoint) *string { return nil }
