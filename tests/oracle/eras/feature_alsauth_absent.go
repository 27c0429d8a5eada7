//go:build !regresolve_alsauth

// Before containers/image 5.32 there is no additional-layer-store-auth-helper: answer null.
package main

import "github.com/containers/image/v5/types"

func additionalLayerStoreAuthHelper(*types.SystemContext) (*string, error) { return nil, nil }
