// Persistence and shared state: Cosmos DB (calls, partition key /phone), Azure Cache for Redis
// (cache and the job queue's streams) and App Configuration (feature flags).

param cosmosName string
param redisName string
param appConfigName string
param location string
param tags object = {}

@description('Principal id of the services\' managed identity.')
param principalId string

@description('Cosmos DB database and container of the calls (store.cosmos.database / container).')
param cosmosDatabaseName string
param cosmosContainerName string

@description('Serverless Cosmos DB: billed per request, no provisioned throughput to size.')
param cosmosServerless bool = true

@allowed([ 'Basic', 'Standard', 'Premium' ])
@description('Basic has no SLA or replica: use Standard or Premium in production.')
param redisSku string = 'Basic'

@minValue(0)
@maxValue(6)
param redisCapacity int = 0

var roles = {
  appConfigReader: '516239f1-63e1-4d78-a4de-a74fb236a071' // App Configuration Data Reader
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: cosmosName
  location: location
  kind: 'GlobalDocumentDB'
  tags: tags
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      { locationName: location, failoverPriority: 0, isZoneRedundant: false }
    ]
    // Session consistency: a process reads its own writes, which the optimistic concurrency of the store needs.
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    capabilities: cosmosServerless ? [ { name: 'EnableServerless' } ] : []
    // The store authenticates with the account key (store.cosmos.key).
    disableLocalAuth: false
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-05-15' = {
  parent: cosmos
  name: cosmosDatabaseName
  properties: {
    resource: { id: cosmosDatabaseName }
  }
}

resource calls 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: database
  name: cosmosContainerName
  properties: {
    resource: {
      id: cosmosContainerName
      // Calls are looked up by the caller's number (callbacks resume the last conversation).
      partitionKey: {
        paths: [ '/phone' ]
        kind: 'Hash'
        version: 2
      }
    }
  }
}

// Cosmos DB Built-in Data Contributor for the identity (keyless access).
resource cosmosDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {
  parent: cosmos
  name: guid(cosmos.id, principalId, 'cosmos-data-contributor')
  properties: {
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002'
    principalId: principalId
    scope: cosmos.id
  }
}

resource redis 'Microsoft.Cache/redis@2023-08-01' = {
  name: redisName
  location: location
  tags: tags
  properties: {
    sku: {
      name: redisSku
      family: redisSku == 'Premium' ? 'P' : 'C'
      capacity: redisCapacity
    }
    // TLS only (rediss:// on 6380).
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    // Streams with consumer groups (the job queue) need Redis 5 or later.
    redisVersion: '6'
  }
}

resource appConfig 'Microsoft.AppConfiguration/configurationStores@2023-03-01' = {
  name: appConfigName
  location: location
  tags: tags
  sku: { name: 'standard' }
  properties: {
    publicNetworkAccess: 'Enabled'
    disableLocalAuth: false
  }
}

resource appConfigReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appConfig.id, principalId, roles.appConfigReader)
  scope: appConfig
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.appConfigReader)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output cosmosName string = cosmos.name
output cosmosEndpoint string = cosmos.properties.documentEndpoint
output redisName string = redis.name
output appConfigName string = appConfig.name
output appConfigEndpoint string = appConfig.properties.endpoint
