// Package modulekit holds the parts of a taochain module's AppModule that read the same in every
// module: the methods that only say which module it is (Base), the JSON glue around the keeper's
// genesis functions, REST gateway registration, store migrations and the simulator's store
// decoder. What differs between modules — services, genesis content, blockers, invariants —
// stays in each module's module.go, shaped like the SDK's x/bank or x/protocolpool.
//
// Every helper keeps the behaviour (including panic and error texts) of the code it replaced,
// except MustAuthority: x/subnet's and x/slashing's invalid-authority panic now says "authority
// address" as x/intelligence's and x/tao's did.
package modulekit

import (
	"context"
	"encoding/json"
	"fmt"

	gogogrpc "github.com/cosmos/gogoproto/grpc"
	"github.com/cosmos/gogoproto/proto"
	gwruntime "github.com/grpc-ecosystem/grpc-gateway/runtime"

	"cosmossdk.io/collections"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
)

// Identity is what Base needs to know about a module: its name (also its store key's and
// codespace's, by convention), its consensus version, the types package's codec registration
// functions and the registration of its Query service's REST routes (see Gateway). A module
// without messages or a Query service leaves the functions it has no use for nil.
type Identity struct {
	Name                      string
	ConsensusVersion          uint64
	RegisterLegacyAminoCodec  func(*codec.LegacyAmino)
	RegisterInterfaces        func(codectypes.InterfaceRegistry)
	RegisterGRPCGatewayRoutes func(client.Context, *gwruntime.ServeMux)
}

// Identifier is implemented by a module's zero-size identity type (conventionally `identity` in
// module.go), which returns the module's Identity.
type Identifier interface {
	Identity() Identity
}

// Base implements the AppModule methods that only say which module it is — IsAppModule,
// IsOnePerModuleType, Name, ConsensusVersion, RegisterLegacyAminoCodec, RegisterInterfaces and
// RegisterGRPCGatewayRoutes — from I's Identity. Embed it in AppModule:
//
//	type AppModule struct {
//		modulekit.Base[identity]
//		keeper keeper.Keeper
//	}
//
// Base has no fields, so AppModule{} (as SDK-style tests build encoding configs with
// moduletestutil.MakeTestEncodingConfig(m.AppModule{})) works.
type Base[I Identifier] struct{}

func identityOf[I Identifier]() Identity {
	var i I
	return i.Identity()
}

// IsAppModule implements appmodule.AppModule.
func (Base[I]) IsAppModule() {}

// IsOnePerModuleType implements depinject.OnePerModuleType.
func (Base[I]) IsOnePerModuleType() {}

// Name returns the module name.
func (Base[I]) Name() string { return identityOf[I]().Name }

// ConsensusVersion implements module.HasConsensusVersion: the module's state layout version,
// bumped with each store migration.
func (Base[I]) ConsensusVersion() uint64 { return identityOf[I]().ConsensusVersion }

// RegisterLegacyAminoCodec registers the module's messages for Amino JSON signing.
func (Base[I]) RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	if register := identityOf[I]().RegisterLegacyAminoCodec; register != nil {
		register(cdc)
	}
}

// RegisterInterfaces registers the module's sdk.Msg implementations and Msg service.
func (Base[I]) RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	if register := identityOf[I]().RegisterInterfaces; register != nil {
		register(registry)
	}
}

// RegisterGRPCGatewayRoutes registers the REST routes of the module's Query service
// (/taochain/<module>/v1/...).
func (Base[I]) RegisterGRPCGatewayRoutes(clientCtx client.Context, mux *gwruntime.ServeMux) {
	if register := identityOf[I]().RegisterGRPCGatewayRoutes; register != nil {
		register(clientCtx, mux)
	}
}

// Gateway returns the registration of a Query service's REST routes from the service's generated
// NewQueryClient (query.pb.go) and RegisterQueryHandlerClient (query.pb.gw.go):
//
//	modulekit.Gateway(types.NewQueryClient, types.RegisterQueryHandlerClient)
//
// The registration panics if the gateway refuses the routes, as the SDK modules' does.
func Gateway[C any](
	newClient func(gogogrpc.ClientConn) C,
	register func(context.Context, *gwruntime.ServeMux, C) error,
) func(client.Context, *gwruntime.ServeMux) {
	return func(clientCtx client.Context, mux *gwruntime.ServeMux) {
		if err := register(context.Background(), mux, newClient(clientCtx)); err != nil {
			panic(err)
		}
	}
}

// GenesisState is a module's generated GenesisState type G, used through its pointer P: a proto
// message with a Validate method (types/genesis.go).
type GenesisState[G any] interface {
	*G
	proto.Message
	Validate() error
}

// ValidateGenesis decodes the JSON genesis state of module name and validates it; call it from
// AppModule.ValidateGenesis as modulekit.ValidateGenesis[types.GenesisState](cdc, types.ModuleName, bz).
func ValidateGenesis[G any, P GenesisState[G]](cdc codec.JSONCodec, name string, bz json.RawMessage) error {
	var gs G
	if err := cdc.UnmarshalJSON(bz, P(&gs)); err != nil {
		return fmt.Errorf("failed to unmarshal %s genesis state: %w", name, err)
	}
	return P(&gs).Validate()
}

// InitGenesis decodes the JSON genesis state of module name and hands it to the keeper's init; an
// error from init panics, as the SDK requires of InitGenesis.
func InitGenesis[G any, P GenesisState[G]](
	ctx sdk.Context, cdc codec.JSONCodec, name string, bz json.RawMessage, init func(context.Context, P) error,
) {
	var gs G
	cdc.MustUnmarshalJSON(bz, P(&gs))
	if err := init(ctx, &gs); err != nil {
		panic(fmt.Errorf("failed to init %s genesis: %w", name, err))
	}
}

// ExportGenesis encodes the state the keeper's export returns as JSON; an export error panics,
// as the SDK requires of ExportGenesis.
func ExportGenesis[P proto.Message](
	ctx sdk.Context, cdc codec.JSONCodec, name string, export func(context.Context) (P, error),
) json.RawMessage {
	gs, err := export(ctx)
	if err != nil {
		panic(fmt.Errorf("failed to export %s genesis: %w", name, err))
	}
	return cdc.MustMarshalJSON(gs)
}

// RegisterMigration registers the store migration of module name from version from to from+1
// with the configurator, from AppModule.RegisterServices; a refused registration panics (the app
// cannot start without its migrations).
func RegisterMigration(cfg module.Configurator, name string, from uint64, migrate module.MigrationHandler) {
	if err := cfg.RegisterMigration(name, from, migrate); err != nil {
		panic(fmt.Errorf("failed to register %s migration %d to %d: %w", name, from, from+1, err))
	}
}

// RegisterStoreDecoder lets the simulator print the store entries of storeKey (in store diffs of
// failed simulations) by decoding them with the keeper's collections schema.
func RegisterStoreDecoder(sdr simtypes.StoreDecoderRegistry, storeKey string, schema collections.Schema) {
	sdr[storeKey] = simtypes.NewStoreDecoderFuncFromCollectionsSchema(schema)
}

// CountedMigration runs the store migration of module name from version from to from+1, a step
// that returns how many entries it changed, then logs "x/<name> migration <from> to <from+1>:
// <what>" at INFO with the count under countKey, so an operator sees in the upgrade's log what the
// migration did. Call it from a keeper's Migrator:
//
//	return modulekit.CountedMigration(ctx, types.ModuleName, 1, "subnets moved to Yuma 3", "subnets", m.keeper.moveToYuma3)
func CountedMigration(ctx sdk.Context, name string, from uint64, what, countKey string, step func(context.Context) (int, error)) error {
	n, err := step(ctx)
	if err != nil {
		return err
	}
	ctx.Logger().Info(fmt.Sprintf("x/%s migration %d to %d: %s", name, from, from+1, what), "module", "x/"+name, countKey, n)
	return nil
}
