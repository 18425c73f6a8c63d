// Azure Communication Services: phone numbers, Call Automation with media streaming, SMS.
// Phone numbers are bought on this resource after deployment (portal or `az communication phonenumber`).

param acsName string

@description('Where ACS stores data at rest, e.g. "United States", "Europe", "France".')
param dataLocation string

param tags object = {}

resource acs 'Microsoft.Communication/communicationServices@2023-04-01' = {
  name: acsName
  // ACS is a global resource; dataLocation decides residency.
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

output acsName string = acs.name
output acsId string = acs.id
// `aud` of ACS callback JWTs (acs.audience).
output immutableResourceId string = acs.properties.immutableResourceId
