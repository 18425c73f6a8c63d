// Event Grid system topic on the ACS resource: incoming calls and received SMS are delivered to
// control's /webhooks/eventgrid. Creating a webhook subscription makes Event Grid send a
// SubscriptionValidationEvent, which control must answer: deploy this once control is running.

param acsName string
param systemTopicName string

@description('Public base URL of control, e.g. https://callcenter-control.<env>.azurecontainerapps.io')
param controlUrl string

param tags object = {}

resource acs 'Microsoft.Communication/communicationServices@2023-04-01' existing = {
  name: acsName
}

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: systemTopicName
  // Same location as its source: ACS is global.
  location: 'global'
  tags: tags
  properties: {
    source: acs.id
    topicType: 'Microsoft.Communication.CommunicationServices'
  }
}

var webhookUrl = '${controlUrl}/webhooks/eventgrid'

resource incomingCall 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = {
  parent: topic
  name: 'incoming-call'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: webhookUrl
        // One event per request: each incoming call is answered on its own.
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: [ 'Microsoft.Communication.IncomingCall' ]
    }
    eventDeliverySchema: 'EventGridSchema'
    // A ringing call is gone within seconds: retry briefly, never for hours.
    retryPolicy: {
      maxDeliveryAttempts: 3
      eventTimeToLiveInMinutes: 1
    }
  }
}

resource smsReceived 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = {
  parent: topic
  name: 'sms-received'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: webhookUrl
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: [ 'Microsoft.Communication.SMSReceived' ]
    }
    eventDeliverySchema: 'EventGridSchema'
    // An SMS is still worth recording a day later.
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
  // Validation handshakes one at a time.
  dependsOn: [ incomingCall ]
}

output systemTopicName string = topic.name
output webhookUrl string = webhookUrl
