// Container Apps environment and the two services. Both processes read the same configuration
// schema (control/contract/config): the environment variables below are its `SECTION__KEY`
// overrides, secrets come from Container Apps secrets filled from the resources' keys.

param location string
param tags object = {}

param environmentName string
param gatewayAppName string
param controlAppName string
param gatewayImage string
param controlImage string

@description('Login server of the registry holding the images, pulled with the managed identity.')
param registryLoginServer string

@description('Resource id and client id of the user-assigned managed identity of both apps.')
param identityId string
param identityClientId string

// Names of the resources whose keys and endpoints the apps receive.
param logAnalyticsName string
param appInsightsName string
param cosmosName string
param cosmosDatabaseName string
param cosmosContainerName string
param redisName string
param speechName string
param openAiName string
param acsName string
param appConfigName string

param fastModelName string
param fastDeploymentName string
param slowModelName string
param slowDeploymentName string

@description('E.164 number bought on the ACS resource; empty leaves telephony off (softphone only).')
param acsPhoneNumber string

@secure()
param mediaTokenKey string
@secure()
param serviceToken string
@secure()
param controlApiKeys string

param gatewayMinReplicas int
param gatewayMaxReplicas int
param gatewayConnectionsPerReplica int
param gatewayMaxCallsPerReplica int
param gatewayCpuPercent int
param gatewayDrainTimeoutSec int
param gatewayDspWorkers int
param controlMinReplicas int
param controlMaxReplicas int
param controlConcurrentRequests int
param logLevel string

@description('Path of the readiness probe of both services.')
param readinessPath string = '/health/liveness'

resource logs 'Microsoft.OperationalInsights/workspaces@2022-10-01' existing = {
  name: logAnalyticsName
}
resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}
resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' existing = {
  name: cosmosName
}
resource redis 'Microsoft.Cache/redis@2023-08-01' existing = {
  name: redisName
}
resource speech 'Microsoft.CognitiveServices/accounts@2023-05-01' existing = {
  name: speechName
}
resource openAi 'Microsoft.CognitiveServices/accounts@2023-05-01' existing = {
  name: openAiName
}
resource acs 'Microsoft.Communication/communicationServices@2023-04-01' existing = {
  name: acsName
}
resource appConfig 'Microsoft.AppConfiguration/configurationStores@2023-03-01' existing = {
  name: appConfigName
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
    workloadProfiles: [
      { name: 'Consumption', workloadProfileType: 'Consumption' }
    ]
  }
}

var controlUrl = 'https://${controlAppName}.${environment.properties.defaultDomain}'
var gatewayUrl = 'wss://${gatewayAppName}.${environment.properties.defaultDomain}'
var withAcs = !empty(acsPhoneNumber)

// Redis access keys are base64 (`+`, `/`, `=`): escaped in the URL, decoded by ioredis.
var redisUrl = 'rediss://:${uriComponent(redis.listKeys().primaryKey)}@${redis.properties.hostName}:${redis.properties.sslPort}'

var sharedSecrets = [
  { name: 'media-token-key', value: mediaTokenKey }
  { name: 'service-token', value: serviceToken }
  { name: 'cosmos-key', value: cosmos.listKeys().primaryMasterKey }
  { name: 'redis-url', value: redisUrl }
  { name: 'openai-key', value: openAi.listKeys().key1 }
  { name: 'speech-key', value: speech.listKeys().key1 }
  { name: 'acs-connection-string', value: acs.listKeys().primaryConnectionString }
  { name: 'appinsights-connection-string', value: appInsights.properties.ConnectionString }
]

// The configuration both processes load (one schema; each uses its part).
var sharedEnv = concat([
  { name: 'CONTROL__PUBLIC_URL', value: controlUrl }
  { name: 'GATEWAY__PUBLIC_URL', value: gatewayUrl }
  // The gateway reaches control's internal API through control's ingress (HTTPS, service token).
  { name: 'GATEWAY__CONTROL_URL', value: controlUrl }
  { name: 'SECRETS__MEDIA_TOKEN_KEY', secretRef: 'media-token-key' }
  { name: 'SECRETS__SERVICE_TOKEN', secretRef: 'service-token' }
  { name: 'STORE__KIND', value: 'cosmos' }
  { name: 'STORE__COSMOS__ENDPOINT', value: cosmos.properties.documentEndpoint }
  { name: 'STORE__COSMOS__KEY', secretRef: 'cosmos-key' }
  { name: 'STORE__COSMOS__DATABASE', value: cosmosDatabaseName }
  { name: 'STORE__COSMOS__CONTAINER', value: cosmosContainerName }
  { name: 'CACHE__KIND', value: 'redis' }
  { name: 'CACHE__REDIS__URL', secretRef: 'redis-url' }
  { name: 'QUEUE__KIND', value: 'redis' }
  { name: 'QUEUE__REDIS__URL', secretRef: 'redis-url' }
  { name: 'LLM__FAST__PROVIDER', value: 'azure_openai' }
  { name: 'LLM__FAST__ENDPOINT', value: openAi.properties.endpoint }
  { name: 'LLM__FAST__API_KEY', secretRef: 'openai-key' }
  { name: 'LLM__FAST__MODEL', value: fastModelName }
  { name: 'LLM__FAST__DEPLOYMENT', value: fastDeploymentName }
  { name: 'LLM__SLOW__PROVIDER', value: 'azure_openai' }
  { name: 'LLM__SLOW__ENDPOINT', value: openAi.properties.endpoint }
  { name: 'LLM__SLOW__API_KEY', secretRef: 'openai-key' }
  { name: 'LLM__SLOW__MODEL', value: slowModelName }
  { name: 'LLM__SLOW__DEPLOYMENT', value: slowDeploymentName }
  { name: 'STT__PROVIDER', value: 'azure' }
  { name: 'STT__AZURE__REGION', value: speech.location }
  { name: 'STT__AZURE__KEY', secretRef: 'speech-key' }
  { name: 'TTS__PROVIDER', value: 'azure' }
  { name: 'TTS__AZURE__REGION', value: speech.location }
  { name: 'TTS__AZURE__KEY', secretRef: 'speech-key' }
  { name: 'TELEMETRY__LOG_LEVEL', value: logLevel }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', secretRef: 'appinsights-connection-string' }
  // For Azure SDK credentials (DefaultAzureCredential) picking the user-assigned identity.
  { name: 'AZURE_CLIENT_ID', value: identityClientId }
  { name: 'AZURE_APPCONFIGURATION_ENDPOINT', value: appConfig.properties.endpoint }
], withAcs ? [
  { name: 'ACS__CONNECTION_STRING', secretRef: 'acs-connection-string' }
  { name: 'ACS__PHONE_NUMBER', value: acsPhoneNumber }
  { name: 'ACS__AUDIENCE', value: acs.properties.immutableResourceId }
  { name: 'SMS__PROVIDER', value: 'acs' }
] : [])

var registries = [
  { server: registryLoginServer, identity: identityId }
]

var appIdentity = {
  type: 'UserAssigned'
  userAssignedIdentities: { '${identityId}': {} }
}

resource gateway 'Microsoft.App/containerApps@2024-03-01' = {
  name: gatewayAppName
  location: location
  tags: tags
  identity: appIdentity
  properties: {
    environmentId: environment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        // Carriers and the softphone connect over WebSocket (wss://) through HTTP ingress.
        external: true
        targetPort: 8081
        transport: 'auto'
        allowInsecure: false
        traffic: [ { latestRevision: true, weight: 100 } ]
      }
      registries: registries
      secrets: sharedSecrets
    }
    template: {
      // SIGTERM starts the drain; calls get gateway.drain_timeout_sec, plus margin to close cleanly.
      terminationGracePeriodSeconds: gatewayDrainTimeoutSec + 20
      containers: [
        {
          name: 'gateway'
          image: gatewayImage
          // Two cores: the main thread (sockets, turns) and the DSP worker thread(s).
          resources: { cpu: json('2.0'), memory: '4Gi' }
          env: concat(sharedEnv, [
            { name: 'GATEWAY__DRAIN_TIMEOUT_SEC', value: string(gatewayDrainTimeoutSec) }
            { name: 'GATEWAY__MAX_CALLS', value: string(gatewayMaxCallsPerReplica) }
            { name: 'GATEWAY__DSP_WORKERS', value: string(gatewayDspWorkers) }
          ])
          probes: [
            {
              type: 'Startup'
              httpGet: { path: '/health/liveness', port: 8081 }
              periodSeconds: 3
              failureThreshold: 10
            }
            {
              type: 'Liveness'
              httpGet: { path: '/health/liveness', port: 8081 }
              periodSeconds: 10
              timeoutSeconds: 3
              failureThreshold: 3
            }
            {
              type: 'Readiness'
              httpGet: { path: readinessPath, port: 8081 }
              periodSeconds: 5
              timeoutSeconds: 3
              failureThreshold: 2
            }
          ]
        }
      ]
      scale: {
        // At least one replica: a cold start would lose the first seconds of an incoming call.
        minReplicas: gatewayMinReplicas
        maxReplicas: gatewayMaxReplicas
        rules: [
          {
            // Each call is one long-lived WebSocket request: concurrent requests = concurrent calls.
            name: 'websocket-connections'
            http: {
              metadata: {
                concurrentRequests: string(gatewayConnectionsPerReplica)
              }
            }
          }
          {
            name: 'cpu'
            custom: {
              type: 'cpu'
              metadata: {
                type: 'Utilization'
                value: string(gatewayCpuPercent)
              }
            }
          }
        ]
      }
    }
  }
}

resource control 'Microsoft.App/containerApps@2024-03-01' = {
  name: controlAppName
  location: location
  tags: tags
  identity: appIdentity
  properties: {
    environmentId: environment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: 8080
        transport: 'auto'
        allowInsecure: false
        traffic: [ { latestRevision: true, weight: 100 } ]
      }
      registries: registries
      secrets: concat(sharedSecrets, [
        { name: 'api-keys', value: controlApiKeys }
      ])
    }
    template: {
      containers: [
        {
          name: 'control'
          image: controlImage
          resources: { cpu: json('1.0'), memory: '2Gi' }
          env: concat(sharedEnv, [
            // With API keys configured control listens on all interfaces (without, loopback only).
            { name: 'CONTROL__API_KEYS', secretRef: 'api-keys' }
          ])
          probes: [
            {
              type: 'Startup'
              httpGet: { path: '/health/liveness', port: 8080 }
              periodSeconds: 3
              failureThreshold: 10
            }
            {
              type: 'Liveness'
              httpGet: { path: '/health/liveness', port: 8080 }
              periodSeconds: 10
              timeoutSeconds: 3
              failureThreshold: 3
            }
            {
              type: 'Readiness'
              httpGet: { path: readinessPath, port: 8080 }
              periodSeconds: 5
              timeoutSeconds: 3
              failureThreshold: 2
            }
          ]
        }
      ]
      scale: {
        // At least one replica: carrier webhooks must be answered within seconds, and the job
        // queue's consumers (post-call synthesis, SMS) run here.
        minReplicas: controlMinReplicas
        maxReplicas: controlMaxReplicas
        rules: [
          {
            name: 'http-requests'
            http: {
              metadata: {
                concurrentRequests: string(controlConcurrentRequests)
              }
            }
          }
        ]
      }
    }
  }
}

output environmentName string = environment.name
output defaultDomain string = environment.properties.defaultDomain
output controlUrl string = controlUrl
output gatewayUrl string = gatewayUrl
output controlFqdn string = control.properties.configuration.ingress.fqdn
output gatewayFqdn string = gateway.properties.configuration.ingress.fqdn
