// Azure AI Speech (STT and TTS) and Azure OpenAI with the two chat deployments the conversation
// uses: a fast model for turns and a slow one for quality work (llm.fast / llm.slow).

param speechName string
param openAiName string
param location string

@description('Region of the Azure OpenAI resource (model availability differs by region).')
param openAiLocation string = location

param tags object = {}

@description('Principal id of the services\' managed identity.')
param principalId string

@description('Deployment names, as set in LLM__FAST__DEPLOYMENT and LLM__SLOW__DEPLOYMENT.')
param fastDeploymentName string
param slowDeploymentName string

param fastModelName string
param fastModelVersion string
@description('Capacity of the fast deployment, in thousands of tokens per minute.')
param fastModelCapacity int

param slowModelName string
param slowModelVersion string
@description('Capacity of the slow deployment, in thousands of tokens per minute.')
param slowModelCapacity int

@allowed([ 'GlobalStandard', 'DataZoneStandard', 'Standard' ])
param deploymentSku string = 'GlobalStandard'

var roles = {
  openAiUser: '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd' // Cognitive Services OpenAI User
  speechUser: 'f2dc8367-1007-4938-bd23-fe263f013447' // Cognitive Services Speech User
}

resource speech 'Microsoft.CognitiveServices/accounts@2023-05-01' = {
  name: speechName
  location: location
  kind: 'SpeechServices'
  sku: { name: 'S0' }
  tags: tags
  properties: {
    // A custom domain lets the identity authenticate with Entra ID; keys stay on for the SDK.
    customSubDomainName: speechName
    publicNetworkAccess: 'Enabled'
    disableLocalAuth: false
  }
}

resource openAi 'Microsoft.CognitiveServices/accounts@2023-05-01' = {
  name: openAiName
  location: openAiLocation
  kind: 'OpenAI'
  sku: { name: 'S0' }
  tags: tags
  properties: {
    customSubDomainName: openAiName
    publicNetworkAccess: 'Enabled'
    disableLocalAuth: false
  }
}

resource fast 'Microsoft.CognitiveServices/accounts/deployments@2023-05-01' = {
  parent: openAi
  name: fastDeploymentName
  sku: {
    name: deploymentSku
    capacity: fastModelCapacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: fastModelName
      version: fastModelVersion
    }
    versionUpgradeOption: 'OnceNewDefaultVersionAvailable'
  }
}

// Deployments of one account are created one at a time (parallel creation is refused).
resource slow 'Microsoft.CognitiveServices/accounts/deployments@2023-05-01' = {
  parent: openAi
  name: slowDeploymentName
  sku: {
    name: deploymentSku
    capacity: slowModelCapacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: slowModelName
      version: slowModelVersion
    }
    versionUpgradeOption: 'OnceNewDefaultVersionAvailable'
  }
  dependsOn: [ fast ]
}

resource openAiUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(openAi.id, principalId, roles.openAiUser)
  scope: openAi
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.openAiUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource speechUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(speech.id, principalId, roles.speechUser)
  scope: speech
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.speechUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output speechName string = speech.name
output speechRegion string = speech.location
output openAiName string = openAi.name
output openAiEndpoint string = openAi.properties.endpoint
output fastDeploymentName string = fast.name
output slowDeploymentName string = slow.name
