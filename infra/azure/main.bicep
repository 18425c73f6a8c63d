// The call center on Azure: Container Apps (gateway + control), Communication Services, Speech,
// Azure OpenAI (fast and slow deployments), Cosmos DB, Azure Cache for Redis, Event Grid,
// Application Insights + Log Analytics, App Configuration, and one user-assigned identity.
//
//   az deployment group create -g <rg> -f infra/azure/main.bicep -p infra/azure/main.parameters.json
//
// See infra/README.md for the whole procedure (images, phone number, Event Grid validation).

targetScope = 'resourceGroup'

@description('Prefix of resource names: lower-case letters and digits, starting with a letter.')
@minLength(3)
@maxLength(12)
param namePrefix string = 'callcenter'

@description('Region of every regional resource.')
param location string = resourceGroup().location

@description('Tags added to every resource.')
param tags object = {}

@description('Name of an existing Azure Container Registry in this resource group that holds the images.')
param containerRegistryName string

@description('Gateway image, e.g. myregistry.azurecr.io/callcenter-gateway:1.0.0')
param gatewayImage string

@description('Control image, e.g. myregistry.azurecr.io/callcenter-control:1.0.0')
param controlImage string

@description('Where ACS stores data at rest.')
param acsDataLocation string = 'United States'

@description('E.164 phone number bought on the ACS resource. Empty until one is bought: telephony stays off (softphone only); redeploy with it set.')
param acsPhoneNumber string = ''

@description('Region of the Azure OpenAI resource (models are not offered in every region).')
param openAiLocation string = location

@allowed([ 'GlobalStandard', 'DataZoneStandard', 'Standard' ])
param openAiDeploymentSku string = 'GlobalStandard'

@description('Fast chat model (llm.fast): answers turns; latency matters most.')
param fastModelName string = 'gpt-4.1-nano'
param fastModelVersion string = '2025-04-14'
@description('Thousands of tokens per minute.')
param fastModelCapacity int = 100

@description('Slow chat model (llm.slow): post-call synthesis and, optionally, chat (features.slow_llm_for_chat).')
param slowModelName string = 'gpt-4.1'
param slowModelVersion string = '2025-04-14'
@description('Thousands of tokens per minute.')
param slowModelCapacity int = 50

@description('Serverless Cosmos DB (pay per request).')
param cosmosServerless bool = true

@allowed([ 'Basic', 'Standard', 'Premium' ])
param redisSku string = 'Basic'
@minValue(0)
@maxValue(6)
param redisCapacity int = 0

@secure()
@minLength(32)
@description('HMAC key of the per-call media tokens (secrets.media_token_key), at least 32 characters.')
param mediaTokenKey string

@secure()
@minLength(32)
@description('Token the gateway presents to control (secrets.service_token), at least 32 characters.')
param serviceToken string

@secure()
@minLength(16)
@description('Comma-separated API keys of control\'s API (control.api_keys).')
param controlApiKeys string

@description('Gateway replicas always running (at least 1: a cold start would lose the start of a call).')
@minValue(1)
param gatewayMinReplicas int = 1
@minValue(1)
param gatewayMaxReplicas int = 10
@description('Concurrent WebSocket connections (calls) per gateway replica before scaling out.')
param gatewayConnectionsPerReplica int = 100
@description('Calls a gateway replica accepts before refusing (gateway.max_calls); above the scaling target so scale-out comes first.')
param gatewayMaxCallsPerReplica int = 200
@description('CPU utilisation (%) of a gateway replica before scaling out.')
param gatewayCpuPercent int = 60
@description('On SIGTERM, how long running calls may continue (gateway.drain_timeout_sec).')
@minValue(0)
@maxValue(570)
param gatewayDrainTimeoutSec int = 60
@description('DSP worker threads per gateway replica (gateway.dsp_workers).')
param gatewayDspWorkers int = 1

@minValue(1)
param controlMinReplicas int = 1
param controlMaxReplicas int = 5
@description('Concurrent HTTP requests per control replica before scaling out.')
param controlConcurrentRequests int = 50

@allowed([ 'fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent' ])
param logLevel string = 'info'

@description('Path of the readiness probe of both services.')
param readinessPath string = '/health/liveness'

@description('Create the Event Grid subscriptions (IncomingCall, SMSReceived). Needs control running to answer the validation handshake.')
param deployEventSubscriptions bool = true

var prefix = toLower(namePrefix)
var suffix = uniqueString(resourceGroup().id)
var names = {
  identity: 'id-${prefix}-${suffix}'
  logs: 'log-${prefix}-${suffix}'
  appInsights: 'appi-${prefix}-${suffix}'
  speech: 'spch-${prefix}-${suffix}'
  openAi: 'oai-${prefix}-${suffix}'
  cosmos: 'cosmos-${prefix}-${suffix}'
  redis: 'redis-${prefix}-${suffix}'
  appConfig: 'appcs-${prefix}-${suffix}'
  acs: 'acs-${prefix}-${suffix}'
  systemTopic: 'evgt-${prefix}-${suffix}'
  environment: 'cae-${prefix}-${suffix}'
  gateway: '${prefix}-gateway'
  control: '${prefix}-control'
}
var cosmosDatabaseName = 'callcenter'
var cosmosContainerName = 'calls'
var fastDeploymentName = 'chat-fast'
var slowDeploymentName = 'chat-slow'
var acrPullRole = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: names.identity
  location: location
  tags: tags
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: containerRegistryName
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, identity.id, acrPullRole)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRole)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: names.logs
    appInsightsName: names.appInsights
    location: location
    tags: tags
    principalId: identity.properties.principalId
  }
}

module ai 'modules/ai.bicep' = {
  name: 'ai'
  params: {
    speechName: names.speech
    openAiName: names.openAi
    location: location
    openAiLocation: openAiLocation
    tags: tags
    principalId: identity.properties.principalId
    deploymentSku: openAiDeploymentSku
    fastDeploymentName: fastDeploymentName
    fastModelName: fastModelName
    fastModelVersion: fastModelVersion
    fastModelCapacity: fastModelCapacity
    slowDeploymentName: slowDeploymentName
    slowModelName: slowModelName
    slowModelVersion: slowModelVersion
    slowModelCapacity: slowModelCapacity
  }
}

module data 'modules/data.bicep' = {
  name: 'data'
  params: {
    cosmosName: names.cosmos
    redisName: names.redis
    appConfigName: names.appConfig
    location: location
    tags: tags
    principalId: identity.properties.principalId
    cosmosDatabaseName: cosmosDatabaseName
    cosmosContainerName: cosmosContainerName
    cosmosServerless: cosmosServerless
    redisSku: redisSku
    redisCapacity: redisCapacity
  }
}

module communication 'modules/communication.bicep' = {
  name: 'communication'
  params: {
    acsName: names.acs
    dataLocation: acsDataLocation
    tags: tags
  }
}

module apps 'modules/apps.bicep' = {
  name: 'apps'
  params: {
    location: location
    tags: tags
    environmentName: names.environment
    gatewayAppName: names.gateway
    controlAppName: names.control
    gatewayImage: gatewayImage
    controlImage: controlImage
    registryLoginServer: registry.properties.loginServer
    identityId: identity.id
    identityClientId: identity.properties.clientId
    logAnalyticsName: monitoring.outputs.logAnalyticsName
    appInsightsName: monitoring.outputs.appInsightsName
    cosmosName: data.outputs.cosmosName
    cosmosDatabaseName: cosmosDatabaseName
    cosmosContainerName: cosmosContainerName
    redisName: data.outputs.redisName
    appConfigName: data.outputs.appConfigName
    speechName: ai.outputs.speechName
    openAiName: ai.outputs.openAiName
    fastModelName: fastModelName
    fastDeploymentName: ai.outputs.fastDeploymentName
    slowModelName: slowModelName
    slowDeploymentName: ai.outputs.slowDeploymentName
    acsName: communication.outputs.acsName
    acsPhoneNumber: acsPhoneNumber
    mediaTokenKey: mediaTokenKey
    serviceToken: serviceToken
    controlApiKeys: controlApiKeys
    gatewayMinReplicas: gatewayMinReplicas
    gatewayMaxReplicas: gatewayMaxReplicas
    gatewayConnectionsPerReplica: gatewayConnectionsPerReplica
    gatewayMaxCallsPerReplica: gatewayMaxCallsPerReplica
    gatewayCpuPercent: gatewayCpuPercent
    gatewayDrainTimeoutSec: gatewayDrainTimeoutSec
    gatewayDspWorkers: gatewayDspWorkers
    controlMinReplicas: controlMinReplicas
    controlMaxReplicas: controlMaxReplicas
    controlConcurrentRequests: controlConcurrentRequests
    logLevel: logLevel
    readinessPath: readinessPath
  }
  // The identity must be able to pull the images before the first revision starts.
  dependsOn: [ acrPull ]
}

module events 'modules/events.bicep' = if (deployEventSubscriptions) {
  name: 'events'
  params: {
    acsName: communication.outputs.acsName
    systemTopicName: names.systemTopic
    controlUrl: apps.outputs.controlUrl
    tags: tags
  }
}

output gatewayUrl string = apps.outputs.gatewayUrl
output controlUrl string = apps.outputs.controlUrl
output eventGridWebhookUrl string = '${apps.outputs.controlUrl}/webhooks/eventgrid'
output acsName string = communication.outputs.acsName
output acsImmutableResourceId string = communication.outputs.immutableResourceId
output openAiEndpoint string = ai.outputs.openAiEndpoint
output cosmosEndpoint string = data.outputs.cosmosEndpoint
output appConfigEndpoint string = data.outputs.appConfigEndpoint
output appInsightsName string = monitoring.outputs.appInsightsName
output identityClientId string = identity.properties.clientId
output identityPrincipalId string = identity.properties.principalId
