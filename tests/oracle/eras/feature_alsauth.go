//go:build regresolve_alsauth

// sysregistriesv2.AdditionalLayerStoreAuthHelper exists from containers/image 5.32 on.
package main

import (
	"github.com/containers/image/v5/pkg/sysregistriesv2"
	"github.com/containers/image/v5/types"
)

func init() { features = append(features, "additional_layer_store_auth_helper") }

func additionalLayerStoreAuthHelper(sys *types.SystemContext) (*string, error) {
	s, err := sysregistriesv2.AdditionalLayerStoreAuthHelper(sys)
	if err != nil {
		return nil, err
	}
	return &s, nil
}
