// GENERATED FILE: do not edit by hand.
// Source: spec/eas-2021-07-01-resource-api.json (eas 2021-07-01) and the service operations of
// spec/eas-2021-07-01-service-api.json, by scripts/generate-operations.ts.
// Regenerate with: npm run generate
// test/unit/generated-operations.test.ts fails when this file no longer matches the metadata.
import type { OperationSpec } from '../operation-spec.ts';

export const EAS_PRODUCT = { product: 'eas', version: '2021-07-01' } as const;

/** The resource-group operations: every API of the resource metadata. */
export const EAS_OPERATIONS: readonly OperationSpec[] = [
  {
    action: 'CreateResource',
    method: 'POST',
    path: '/api/v2/resources',
    routePath: '/api/v2/resources',
    deprecated: false,
    params: [
      {
        name: 'body',
        location: 'body',
        type: 'object',
        required: false,
        style: 'json',
        properties: [
          { name: 'EcsInstanceType', location: 'body', type: 'string', required: false },
          {
            name: 'SystemDiskSize',
            location: 'body',
            type: 'integer',
            required: false,
            format: 'int32',
            minimum: 200,
            maximum: 2000,
          },
          { name: 'EcsInstanceCount', location: 'body', type: 'integer', required: false, format: 'int32' },
          { name: 'ChargeType', location: 'body', type: 'string', required: false, enum: ['PrePaid', 'PostPaid'] },
          { name: 'AutoRenewal', location: 'body', type: 'boolean', required: false },
          { name: 'Zone', location: 'body', type: 'string', required: false },
          {
            name: 'ResourceType',
            location: 'body',
            type: 'string',
            required: false,
            enum: ['SelfManaged', 'Dedicated'],
          },
          {
            name: 'SelfManagedResourceOptions',
            location: 'body',
            type: 'object',
            required: false,
            properties: [
              { name: 'ExternalClusterId', location: 'body', type: 'string', required: false },
              { name: 'RoleName', location: 'body', type: 'string', required: false },
              {
                name: 'NodeMatchLabels',
                location: 'body',
                type: 'object',
                required: false,
                additionalProperties: { name: 'NodeMatchLabels', location: 'body', type: 'string', required: false },
              },
              {
                name: 'NodeTolerations',
                location: 'body',
                type: 'array',
                required: false,
                items: {
                  name: 'NodeTolerations',
                  location: 'body',
                  type: 'object',
                  required: false,
                  properties: [
                    { name: 'key', location: 'body', type: 'string', required: false },
                    { name: 'value', location: 'body', type: 'string', required: false },
                    { name: 'operator', location: 'body', type: 'string', required: false, enum: ['Equal', 'Exists'] },
                    {
                      name: 'effect',
                      location: 'body',
                      type: 'string',
                      required: false,
                      enum: ['PreferNoSchedule', 'NoSchedule', 'NoExecute'],
                    },
                  ],
                },
              },
            ],
          },
          {
            name: 'Labels',
            location: 'body',
            type: 'object',
            required: false,
            additionalProperties: { name: 'Labels', location: 'body', type: 'string', required: false },
          },
          { name: 'ResourceName', location: 'body', type: 'string', required: false },
          { name: 'UsageMode', location: 'body', type: 'string', required: false },
        ],
      },
    ],
  },
  {
    action: 'CreateResourceInstances',
    method: 'POST',
    path: '/api/v2/resources/{ClusterId}/{ResourceId}/instances',
    routePath: '/api/v2/resources/:ClusterId/:ResourceId/instances',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ResourceId', location: 'path', type: 'string', required: true },
      {
        name: 'body',
        location: 'body',
        type: 'object',
        required: false,
        style: 'json',
        properties: [
          { name: 'EcsInstanceType', location: 'body', type: 'string', required: true },
          {
            name: 'SystemDiskSize',
            location: 'body',
            type: 'integer',
            required: false,
            format: 'int32',
            minimum: 200,
            maximum: 2000,
          },
          { name: 'EcsInstanceCount', location: 'body', type: 'integer', required: true, format: 'int32' },
          { name: 'ChargeType', location: 'body', type: 'string', required: true, enum: ['PrePaid', 'PostPaid'] },
          { name: 'UserData', location: 'body', type: 'string', required: false, deprecated: true },
          { name: 'AutoRenewal', location: 'body', type: 'boolean', required: false },
          { name: 'Zone', location: 'body', type: 'string', required: false },
          {
            name: 'Labels',
            location: 'body',
            type: 'object',
            required: false,
            additionalProperties: { name: 'Labels', location: 'body', type: 'string', required: false },
          },
        ],
      },
    ],
  },
  {
    action: 'CreateResourceLog',
    method: 'POST',
    path: '/api/v2/resources/{ClusterId}/{ResourceId}/log',
    routePath: '/api/v2/resources/:ClusterId/:ResourceId/log',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ResourceId', location: 'path', type: 'string', required: true },
      {
        name: 'body',
        location: 'body',
        type: 'object',
        required: false,
        style: 'json',
        properties: [
          { name: 'ProjectName', location: 'body', type: 'string', required: true },
          { name: 'LogStore', location: 'body', type: 'string', required: true },
        ],
      },
    ],
  },
  {
    action: 'DeleteResource',
    method: 'DELETE',
    path: '/api/v2/resources/{ClusterId}/{ResourceId}',
    routePath: '/api/v2/resources/:ClusterId/:ResourceId',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ResourceId', location: 'path', type: 'string', required: true },
    ],
  },
  {
    action: 'DeleteResourceDLink',
    method: 'DELETE',
    path: '/api/v2/resources/{ClusterId}/{ResourceId}/dlink',
    routePath: '/api/v2/resources/:ClusterId/:ResourceId/dlink',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ResourceId', location: 'path', type: 'string', required: true },
    ],
  },
  {
    action: 'DeleteResourceInstanceLabel',
    method: 'DELETE',
    path: '/api/v2/resources/{ClusterId}/{ResourceId}/label',
    routePath: '/api/v2/resources/:ClusterId/:ResourceId/label',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ResourceId', location: 'path', type: 'string', required: true },
      {
        name: 'InstanceIds',
        location: 'query',
        type: 'array',
        required: false,
        style: 'simple',
        items: { name: 'InstanceIds', location: 'query', type: 'string', required: false },
      },
      { name: 'AllInstances', location: 'query', type: 'boolean', required: false },
      {
        name: 'Keys',
        location: 'query',
        type: 'array',
        required: false,
        deprecated: true,
        style: 'simple',
        items: { name: 'Keys', location: 'query', type: 'string', required: false },
      },
      {
        name: 'LabelKeys',
        location: 'query',
        type: 'array',
        required: false,
        style: 'json',
        items: { name: 'LabelKeys', location: 'query', type: 'string', required: false },
      },
    ],
  },
  {
    action: 'DeleteResourceInstances',
    method: 'DELETE',
    path: '/api/v2/resources/{ClusterId}/{ResourceId}/instances',
    routePath: '/api/v2/resources/:ClusterId/:ResourceId/instances',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ResourceId', location: 'path', type: 'string', required: true },
      { name: 'InstanceList', location: 'query', type: 'string', required: false },
      { name: 'AllFailed', location: 'query', type: 'boolean', required: false },
    ],
  },
  {
    action: 'DeleteResourceLog',
    method: 'DELETE',
    path: '/api/v2/resources/{ClusterId}/{ResourceId}/log',
    routePath: '/api/v2/resources/:ClusterId/:ResourceId/log',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ResourceId', location: 'path', type: 'string', required: true },
    ],
  },
  {
    action: 'DescribeResource',
    method: 'GET',
    path: '/api/v2/resources/{ClusterId}/{ResourceId}',
    routePath: '/api/v2/resources/:ClusterId/:ResourceId',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ResourceId', location: 'path', type: 'string', required: true },
    ],
  },
  {
    action: 'DescribeResourceDLink',
    method: 'GET',
    path: '/api/v2/resources/{ClusterId}/{ResourceId}/dlink',
    routePath: '/api/v2/resources/:ClusterId/:ResourceId/dlink',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ResourceId', location: 'path', type: 'string', required: true },
    ],
  },
  {
    action: 'DescribeResourceLog',
    method: 'GET',
    path: '/api/v2/resources/{ClusterId}/{ResourceId}/log',
    routePath: '/api/v2/resources/:ClusterId/:ResourceId/log',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ResourceId', location: 'path', type: 'string', required: true },
    ],
  },
  {
    action: 'ListResourceInstanceWorker',
    method: 'GET',
    path: '/api/v2/resources/{ClusterId}/{ResourceId}/instance/{InstanceName}/workers',
    routePath: '/api/v2/resources/:ClusterId/:ResourceId/instance/:InstanceName/workers',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ResourceId', location: 'path', type: 'string', required: true },
      { name: 'InstanceName', location: 'path', type: 'string', required: true },
      { name: 'PageNumber', location: 'query', type: 'integer', required: false, format: 'int32' },
      { name: 'PageSize', location: 'query', type: 'integer', required: false, format: 'int32' },
      { name: 'WorkerName', location: 'query', type: 'string', required: false },
      { name: 'Status', location: 'query', type: 'string', required: false },
      { name: 'Order', location: 'query', type: 'string', required: false },
      { name: 'Sort', location: 'query', type: 'string', required: false },
      { name: 'ServiceName', location: 'query', type: 'string', required: false },
      { name: 'Ready', location: 'query', type: 'boolean', required: false },
    ],
  },
  {
    action: 'ListResourceInstances',
    method: 'GET',
    path: '/api/v2/resources/{ClusterId}/{ResourceId}/instances',
    routePath: '/api/v2/resources/:ClusterId/:ResourceId/instances',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ResourceId', location: 'path', type: 'string', required: true },
      { name: 'ChargeType', location: 'query', type: 'string', required: false, enum: ['PostPaid', 'PrePaid'] },
      { name: 'PageNumber', location: 'query', type: 'integer', required: false, format: 'int32' },
      { name: 'PageSize', location: 'query', type: 'integer', required: false, format: 'int32' },
      { name: 'InstanceName', location: 'query', type: 'string', required: false },
      { name: 'InstanceId', location: 'query', type: 'string', required: false },
      { name: 'InstanceIP', location: 'query', type: 'string', required: false },
      { name: 'Filter', location: 'query', type: 'string', required: false },
      {
        name: 'InstanceStatus',
        location: 'query',
        type: 'string',
        required: false,
        enum: [
          'Ready-SchedulingDisabled',
          'Ready',
          'NotReady',
          'Stopped',
          'NotReady-SchedulingDisabled',
          'Attaching',
          'Deleting',
          'CreateFailed',
        ],
      },
      {
        name: 'Label',
        location: 'query',
        type: 'object',
        required: false,
        style: 'json',
        additionalProperties: { name: 'Label', location: 'query', type: 'string', required: false },
      },
      {
        name: 'Sort',
        location: 'query',
        type: 'string',
        required: false,
        enum: ['CreateTime', 'MemoryUsed', 'GpuUsed', 'ExpireTime', 'CpuUsed'],
      },
      { name: 'Order', location: 'query', type: 'string', required: false, enum: ['asc', 'desc'] },
      { name: 'Zone', location: 'query', type: 'string', required: false },
    ],
  },
  {
    action: 'ListResourceServices',
    method: 'GET',
    path: '/api/v2/resources/{ClusterId}/{ResourceId}/services',
    routePath: '/api/v2/resources/:ClusterId/:ResourceId/services',
    deprecated: true,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ResourceId', location: 'path', type: 'string', required: true },
      { name: 'PageNumber', location: 'query', type: 'integer', required: false, format: 'int32' },
      { name: 'PageSize', location: 'query', type: 'integer', required: false, format: 'int32' },
    ],
  },
  {
    action: 'ListResources',
    method: 'GET',
    path: '/api/v2/resources',
    routePath: '/api/v2/resources',
    deprecated: false,
    params: [
      { name: 'PageNumber', location: 'query', type: 'integer', required: false, format: 'int32' },
      { name: 'PageSize', location: 'query', type: 'integer', required: false, format: 'int32' },
      { name: 'ResourceName', location: 'query', type: 'string', required: false },
      { name: 'ResourceId', location: 'query', type: 'string', required: false },
      { name: 'ResourceType', location: 'query', type: 'string', required: false, enum: ['SelfManaged', 'Dedicated'] },
      { name: 'ResourceStatus', location: 'query', type: 'string', required: false },
      { name: 'Order', location: 'query', type: 'string', required: false },
      { name: 'Sort', location: 'query', type: 'string', required: false },
      { name: 'UsageMode', location: 'query', type: 'string', required: false },
    ],
  },
  {
    action: 'MigrateResourceInstance',
    method: 'POST',
    path: '/api/v2/resources/{ClusterId}/{ResourceId}/instances/migrate',
    routePath: '/api/v2/resources/:ClusterId/:ResourceId/instances/migrate',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ResourceId', location: 'path', type: 'string', required: true },
      {
        name: 'body',
        location: 'body',
        type: 'object',
        required: false,
        style: 'json',
        properties: [
          {
            name: 'InstanceIds',
            location: 'body',
            type: 'array',
            required: true,
            items: { name: 'InstanceIds', location: 'body', type: 'string', required: false },
          },
          { name: 'DestResourceId', location: 'body', type: 'string', required: true },
          { name: 'MigrateToHybrid', location: 'body', type: 'boolean', required: false },
        ],
      },
    ],
  },
  {
    action: 'UpdateResource',
    method: 'PUT',
    path: '/api/v2/resources/{ClusterId}/{ResourceId}',
    routePath: '/api/v2/resources/:ClusterId/:ResourceId',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ResourceId', location: 'path', type: 'string', required: true },
      {
        name: 'body',
        location: 'body',
        type: 'object',
        required: false,
        style: 'json',
        properties: [
          { name: 'ResourceName', location: 'body', type: 'string', required: false },
          {
            name: 'SelfManagedResourceOptions',
            location: 'body',
            type: 'object',
            required: false,
            properties: [
              {
                name: 'NodeMatchLabels',
                location: 'body',
                type: 'object',
                required: false,
                additionalProperties: { name: 'NodeMatchLabels', location: 'body', type: 'string', required: false },
              },
              {
                name: 'NodeTolerations',
                location: 'body',
                type: 'array',
                required: false,
                items: {
                  name: 'NodeTolerations',
                  location: 'body',
                  type: 'object',
                  required: false,
                  properties: [
                    { name: 'key', location: 'body', type: 'string', required: false },
                    { name: 'value', location: 'body', type: 'string', required: false },
                    { name: 'operator', location: 'body', type: 'string', required: false, enum: ['Equal', 'Exists'] },
                    {
                      name: 'effect',
                      location: 'body',
                      type: 'string',
                      required: false,
                      enum: ['PreferNoSchedule', 'NoSchedule', 'NoExecute'],
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  },
  {
    action: 'UpdateResourceDLink',
    method: 'PUT',
    path: '/api/v2/resources/{ClusterId}/{ResourceId}/dlink',
    routePath: '/api/v2/resources/:ClusterId/:ResourceId/dlink',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ResourceId', location: 'path', type: 'string', required: true },
      {
        name: 'body',
        location: 'body',
        type: 'object',
        required: false,
        style: 'json',
        properties: [
          { name: 'VSwitchId', location: 'body', type: 'string', required: true },
          { name: 'SecurityGroupId', location: 'body', type: 'string', required: true },
          {
            name: 'VSwitchIdList',
            location: 'body',
            type: 'array',
            required: false,
            items: { name: 'VSwitchIdList', location: 'body', type: 'string', required: false },
          },
          { name: 'DestinationCIDRs', location: 'body', type: 'string', required: false },
        ],
      },
    ],
  },
  {
    action: 'UpdateResourceInstance',
    method: 'PUT',
    path: '/api/v2/resources/{ClusterId}/{ResourceId}/instances/{InstanceId}',
    routePath: '/api/v2/resources/:ClusterId/:ResourceId/instances/:InstanceId',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ResourceId', location: 'path', type: 'string', required: true },
      { name: 'InstanceId', location: 'path', type: 'string', required: true },
      {
        name: 'body',
        location: 'body',
        type: 'object',
        required: false,
        style: 'json',
        properties: [
          { name: 'Action', location: 'body', type: 'string', required: false, enum: ['Uncordon', 'Cordon', 'Drain'] },
          { name: 'NewDiskSize', location: 'body', type: 'string', required: false },
          { name: 'Reason', location: 'body', type: 'string', required: false },
        ],
      },
    ],
  },
  {
    action: 'UpdateResourceInstanceLabel',
    method: 'PUT',
    path: '/api/v2/resources/{ClusterId}/{ResourceId}/label',
    routePath: '/api/v2/resources/:ClusterId/:ResourceId/label',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ResourceId', location: 'path', type: 'string', required: true },
      {
        name: 'InstanceIds',
        location: 'query',
        type: 'array',
        required: false,
        style: 'simple',
        items: { name: 'InstanceIds', location: 'query', type: 'string', required: false },
      },
      { name: 'AllInstances', location: 'query', type: 'boolean', required: false },
      {
        name: 'body',
        location: 'body',
        type: 'object',
        required: false,
        style: 'json',
        properties: [
          {
            name: 'Labels',
            location: 'body',
            type: 'object',
            required: false,
            additionalProperties: { name: 'Labels', location: 'body', type: 'string', required: false },
          },
        ],
      },
    ],
  },
];

/** The service operations openeas implements, from the service metadata. */
export const EAS_SERVICE_OPERATIONS: readonly OperationSpec[] = [
  {
    action: 'CreateService',
    method: 'POST',
    path: '/api/v2/services',
    routePath: '/api/v2/services',
    deprecated: false,
    params: [
      { name: 'body', location: 'body', type: 'object', required: false },
      { name: 'Develop', location: 'query', type: 'string', required: false, enum: ['true', 'false'] },
      {
        name: 'Labels',
        location: 'query',
        type: 'object',
        required: false,
        style: 'json',
        additionalProperties: { name: 'Labels', location: 'query', type: 'string', required: false },
      },
      { name: 'WorkspaceId', location: 'query', type: 'string', required: false },
    ],
  },
  {
    action: 'CreateServiceCronScaler',
    method: 'POST',
    path: '/api/v2/services/{ClusterId}/{ServiceName}/cronscaler',
    routePath: '/api/v2/services/:ClusterId/:ServiceName/cronscaler',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ServiceName', location: 'path', type: 'string', required: true },
      {
        name: 'body',
        location: 'body',
        type: 'object',
        required: false,
        style: 'json',
        properties: [
          {
            name: 'ScaleJobs',
            location: 'body',
            type: 'array',
            required: true,
            items: {
              name: 'ScaleJobs',
              location: 'body',
              type: 'object',
              required: false,
              properties: [
                { name: 'TargetSize', location: 'body', type: 'integer', required: true, format: 'int32' },
                { name: 'Schedule', location: 'body', type: 'string', required: true },
                { name: 'Name', location: 'body', type: 'string', required: false },
                { name: 'TimeZone', location: 'body', type: 'string', required: false },
              ],
            },
          },
          {
            name: 'ExcludeDates',
            location: 'body',
            type: 'array',
            required: false,
            items: { name: 'ExcludeDates', location: 'body', type: 'string', required: false },
          },
        ],
      },
    ],
  },
  {
    action: 'DeleteService',
    method: 'DELETE',
    path: '/api/v2/services/{ClusterId}/{ServiceName}',
    routePath: '/api/v2/services/:ClusterId/:ServiceName',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ServiceName', location: 'path', type: 'string', required: true },
    ],
  },
  {
    action: 'DeleteServiceCronScaler',
    method: 'DELETE',
    path: '/api/v2/services/{ClusterId}/{ServiceName}/cronscaler',
    routePath: '/api/v2/services/:ClusterId/:ServiceName/cronscaler',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ServiceName', location: 'path', type: 'string', required: true },
    ],
  },
  {
    action: 'DeleteServiceInstances',
    method: 'DELETE',
    path: '/api/v2/services/{ClusterId}/{ServiceName}/instances',
    routePath: '/api/v2/services/:ClusterId/:ServiceName/instances',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ServiceName', location: 'path', type: 'string', required: true },
      { name: 'InstanceList', location: 'query', type: 'string', required: false },
      { name: 'SoftRestart', location: 'query', type: 'boolean', required: false },
      { name: 'Container', location: 'query', type: 'string', required: false },
      { name: 'IsReplica', location: 'query', type: 'boolean', required: false },
    ],
  },
  {
    action: 'DeleteServiceLabel',
    method: 'DELETE',
    path: '/api/v2/services/{ClusterId}/{ServiceName}/label',
    routePath: '/api/v2/services/:ClusterId/:ServiceName/label',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ServiceName', location: 'path', type: 'string', required: true },
      {
        name: 'Keys',
        location: 'query',
        type: 'array',
        required: false,
        deprecated: true,
        style: 'simple',
        items: { name: 'Keys', location: 'query', type: 'string', required: false },
      },
      {
        name: 'LabelKeys',
        location: 'query',
        type: 'array',
        required: false,
        style: 'json',
        items: { name: 'LabelKeys', location: 'query', type: 'string', required: false },
      },
    ],
  },
  {
    action: 'DescribeService',
    method: 'GET',
    path: '/api/v2/services/{ClusterId}/{ServiceName}',
    routePath: '/api/v2/services/:ClusterId/:ServiceName',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ServiceName', location: 'path', type: 'string', required: true },
    ],
  },
  {
    action: 'DescribeServiceCronScaler',
    method: 'GET',
    path: '/api/v2/services/{ClusterId}/{ServiceName}/cronscaler',
    routePath: '/api/v2/services/:ClusterId/:ServiceName/cronscaler',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ServiceName', location: 'path', type: 'string', required: true },
    ],
  },
  {
    action: 'DescribeServiceEndpoints',
    method: 'GET',
    path: '/api/v2/services/{ClusterId}/{ServiceName}/endpoints',
    routePath: '/api/v2/services/:ClusterId/:ServiceName/endpoints',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ServiceName', location: 'path', type: 'string', required: true },
    ],
  },
  {
    action: 'DescribeServiceEvent',
    method: 'GET',
    path: '/api/v2/services/{ClusterId}/{ServiceName}/events',
    routePath: '/api/v2/services/:ClusterId/:ServiceName/events',
    deprecated: false,
    params: [
      { name: 'PageNum', location: 'query', type: 'string', required: false },
      { name: 'PageSize', location: 'query', type: 'string', required: false },
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ServiceName', location: 'path', type: 'string', required: true },
      { name: 'StartTime', location: 'query', type: 'string', required: false },
      { name: 'EndTime', location: 'query', type: 'string', required: false },
      { name: 'EventType', location: 'query', type: 'string', required: false, enum: ['Warning', 'Normal'] },
      { name: 'InstanceName', location: 'query', type: 'string', required: false },
    ],
  },
  {
    action: 'ListServiceInstances',
    method: 'GET',
    path: '/api/v2/services/{ClusterId}/{ServiceName}/instances',
    routePath: '/api/v2/services/:ClusterId/:ServiceName/instances',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ServiceName', location: 'path', type: 'string', required: true },
      { name: 'PageNumber', location: 'query', type: 'integer', required: false, format: 'int32' },
      { name: 'PageSize', location: 'query', type: 'integer', required: false, format: 'int32' },
      { name: 'Filter', location: 'query', type: 'string', required: false },
      {
        name: 'ResourceType',
        location: 'query',
        type: 'string',
        required: false,
        enum: ['PublicResource', 'DedicatedResource'],
      },
      { name: 'InstanceType', location: 'query', type: 'string', required: false },
      { name: 'InstanceStatus', location: 'query', type: 'string', required: false },
      { name: 'InstanceIP', location: 'query', type: 'string', required: false },
      { name: 'InstanceName', location: 'query', type: 'string', required: false },
      { name: 'HostIP', location: 'query', type: 'string', required: false },
      { name: 'IsSpot', location: 'query', type: 'boolean', required: false },
      {
        name: 'Role',
        location: 'query',
        type: 'string',
        required: false,
        enum: ['DataSet', 'SDProxy', 'Standard', 'Queue'],
      },
      { name: 'Sort', location: 'query', type: 'string', required: false, enum: ['StartTime'] },
      { name: 'Order', location: 'query', type: 'string', required: false, enum: ['asc', 'desc'] },
      { name: 'MemberType', location: 'query', type: 'string', required: false },
      { name: 'ListReplica', location: 'query', type: 'boolean', required: false },
      { name: 'ReplicaName', location: 'query', type: 'string', required: false },
      { name: 'QuotaId', location: 'query', type: 'string', required: false },
      { name: 'Resource', location: 'query', type: 'string', required: false },
    ],
  },
  {
    action: 'ListServiceVersions',
    method: 'GET',
    path: '/api/v2/services/{ClusterId}/{ServiceName}/versions',
    routePath: '/api/v2/services/:ClusterId/:ServiceName/versions',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ServiceName', location: 'path', type: 'string', required: true },
      { name: 'PageNumber', location: 'query', type: 'integer', required: false, format: 'int32' },
      { name: 'PageSize', location: 'query', type: 'integer', required: false, format: 'int32' },
    ],
  },
  {
    action: 'ListServices',
    method: 'GET',
    path: '/api/v2/services',
    routePath: '/api/v2/services',
    deprecated: false,
    params: [
      { name: 'Sort', location: 'query', type: 'string', required: false },
      { name: 'Order', location: 'query', type: 'string', required: false },
      { name: 'Filter', location: 'query', type: 'string', required: false },
      { name: 'PageNumber', location: 'query', type: 'integer', required: false, format: 'int32' },
      { name: 'PageSize', location: 'query', type: 'integer', required: false, format: 'int32' },
      { name: 'GroupName', location: 'query', type: 'string', required: false },
      { name: 'ParentServiceUid', location: 'query', type: 'string', required: false },
      {
        name: 'ServiceType',
        location: 'query',
        type: 'string',
        required: false,
        enum: ['Async', 'Standard', 'OfflineTask', 'Proxima'],
      },
      {
        name: 'Label',
        location: 'query',
        type: 'object',
        required: false,
        style: 'json',
        additionalProperties: { name: 'Label', location: 'query', type: 'string', required: false },
      },
      {
        name: 'ServiceStatus',
        location: 'query',
        type: 'string',
        required: false,
        enum: [
          'Creating',
          'Stopped',
          'Failed',
          'Complete',
          'Cloning',
          'Stopping',
          'Updating',
          'Waiting',
          'HotUpdate',
          'Committing',
          'Starting',
          'DeleteFailed',
          'Running',
          'Developing',
          'Scaling',
          'Deleted',
          'Pending',
          'Deleting',
        ],
      },
      { name: 'ServiceName', location: 'query', type: 'string', required: false },
      { name: 'ServiceUid', location: 'query', type: 'string', required: false },
      { name: 'ResourceName', location: 'query', type: 'string', required: false, deprecated: true },
      { name: 'WorkspaceId', location: 'query', type: 'string', required: false },
      { name: 'QuotaId', location: 'query', type: 'string', required: false },
      { name: 'Gateway', location: 'query', type: 'string', required: false },
      { name: 'Role', location: 'query', type: 'string', required: false },
      { name: 'ResourceType', location: 'query', type: 'string', required: false },
      { name: 'IncludeNoWorkspace', location: 'query', type: 'boolean', required: false },
      { name: 'ResourceAliasName', location: 'query', type: 'string', required: false },
      { name: 'ResourceId', location: 'query', type: 'string', required: false },
      { name: 'ResourceBurstable', location: 'query', type: 'boolean', required: false },
      { name: 'CronscalerEnabled', location: 'query', type: 'boolean', required: false },
      { name: 'AutoscalerEnabled', location: 'query', type: 'boolean', required: false },
      { name: 'TrafficState', location: 'query', type: 'string', required: false },
      { name: 'Accessibility', location: 'query', type: 'string', required: false },
      { name: 'CallerUid', location: 'query', type: 'string', required: false },
    ],
  },
  {
    action: 'RestartService',
    method: 'PUT',
    path: '/api/v2/services/{ClusterId}/{ServiceName}/restart',
    routePath: '/api/v2/services/:ClusterId/:ServiceName/restart',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ServiceName', location: 'path', type: 'string', required: true },
    ],
  },
  {
    action: 'ScaleService',
    method: 'PUT',
    path: '/api/v2/services/{ClusterId}/{ServiceName}/scale',
    routePath: '/api/v2/services/:ClusterId/:ServiceName/scale',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ServiceName', location: 'path', type: 'string', required: true },
      {
        name: 'body',
        location: 'body',
        type: 'object',
        required: false,
        style: 'json',
        properties: [
          { name: 'Instance', location: 'body', type: 'number', required: true },
          {
            name: 'InstancesToDelete',
            location: 'body',
            type: 'array',
            required: false,
            items: { name: 'InstancesToDelete', location: 'body', type: 'string', required: false },
          },
        ],
      },
    ],
  },
  {
    action: 'StartService',
    method: 'PUT',
    path: '/api/v2/services/{ClusterId}/{ServiceName}/start',
    routePath: '/api/v2/services/:ClusterId/:ServiceName/start',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ServiceName', location: 'path', type: 'string', required: true },
    ],
  },
  {
    action: 'StopService',
    method: 'PUT',
    path: '/api/v2/services/{ClusterId}/{ServiceName}/stop',
    routePath: '/api/v2/services/:ClusterId/:ServiceName/stop',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ServiceName', location: 'path', type: 'string', required: true },
    ],
  },
  {
    action: 'UpdateService',
    method: 'PUT',
    path: '/api/v2/services/{ClusterId}/{ServiceName}',
    routePath: '/api/v2/services/:ClusterId/:ServiceName',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ServiceName', location: 'path', type: 'string', required: true },
      { name: 'UpdateType', location: 'query', type: 'string', required: false, enum: ['merge', 'replace'] },
      { name: 'MemberToUpdate', location: 'query', type: 'string', required: false },
      { name: 'body', location: 'body', type: 'object', required: false },
    ],
  },
  {
    action: 'UpdateServiceCronScaler',
    method: 'PUT',
    path: '/api/v2/services/{ClusterId}/{ServiceName}/cronscaler',
    routePath: '/api/v2/services/:ClusterId/:ServiceName/cronscaler',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ServiceName', location: 'path', type: 'string', required: true },
      {
        name: 'body',
        location: 'body',
        type: 'object',
        required: false,
        style: 'json',
        properties: [
          {
            name: 'ScaleJobs',
            location: 'body',
            type: 'array',
            required: true,
            items: {
              name: 'ScaleJobs',
              location: 'body',
              type: 'object',
              required: false,
              properties: [
                { name: 'TargetSize', location: 'body', type: 'integer', required: true, format: 'int32' },
                { name: 'Schedule', location: 'body', type: 'string', required: true },
                { name: 'Name', location: 'body', type: 'string', required: false },
                { name: 'TimeZone', location: 'body', type: 'string', required: false },
              ],
            },
          },
          {
            name: 'ExcludeDates',
            location: 'body',
            type: 'array',
            required: false,
            items: { name: 'ExcludeDates', location: 'body', type: 'string', required: false },
          },
        ],
      },
    ],
  },
  {
    action: 'UpdateServiceLabel',
    method: 'PUT',
    path: '/api/v2/services/{ClusterId}/{ServiceName}/label',
    routePath: '/api/v2/services/:ClusterId/:ServiceName/label',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ServiceName', location: 'path', type: 'string', required: true },
      {
        name: 'body',
        location: 'body',
        type: 'object',
        required: false,
        style: 'json',
        properties: [
          {
            name: 'Labels',
            location: 'body',
            type: 'object',
            required: true,
            additionalProperties: { name: 'Labels', location: 'body', type: 'string', required: false },
          },
        ],
      },
    ],
  },
  {
    action: 'UpdateServiceSafetyLock',
    method: 'PUT',
    path: '/api/v2/services/{ClusterId}/{ServiceName}/lock',
    routePath: '/api/v2/services/:ClusterId/:ServiceName/lock',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ServiceName', location: 'path', type: 'string', required: true },
      {
        name: 'body',
        location: 'body',
        type: 'object',
        required: false,
        style: 'json',
        properties: [
          { name: 'Lock', location: 'body', type: 'string', required: true, enum: ['none', 'dangerous', 'all'] },
        ],
      },
    ],
  },
  {
    action: 'UpdateServiceVersion',
    method: 'PUT',
    path: '/api/v2/services/{ClusterId}/{ServiceName}/version',
    routePath: '/api/v2/services/:ClusterId/:ServiceName/version',
    deprecated: false,
    params: [
      { name: 'ClusterId', location: 'path', type: 'string', required: true },
      { name: 'ServiceName', location: 'path', type: 'string', required: true },
      {
        name: 'body',
        location: 'body',
        type: 'object',
        required: false,
        style: 'json',
        properties: [{ name: 'Version', location: 'body', type: 'integer', required: true, format: 'int32' }],
      },
    ],
  },
];

// Typed inputs, one per operation: what validation hands the handler.

export interface CreateResourceInput {
  body: {
    EcsInstanceType?: string;
    SystemDiskSize?: number;
    EcsInstanceCount?: number;
    ChargeType?: 'PrePaid' | 'PostPaid';
    AutoRenewal?: boolean;
    Zone?: string;
    ResourceType?: 'SelfManaged' | 'Dedicated';
    SelfManagedResourceOptions?: {
      ExternalClusterId?: string;
      RoleName?: string;
      NodeMatchLabels?: Record<string, string | null>;
      NodeTolerations?: Array<{
        key?: string;
        value?: string;
        operator?: 'Equal' | 'Exists';
        effect?: 'PreferNoSchedule' | 'NoSchedule' | 'NoExecute';
      }>;
    };
    Labels?: Record<string, string | null>;
    ResourceName?: string;
    UsageMode?: string;
  };
  EcsInstanceType?: string;
  SystemDiskSize?: number;
  EcsInstanceCount?: number;
  ChargeType?: 'PrePaid' | 'PostPaid';
  AutoRenewal?: boolean;
  Zone?: string;
  ResourceType?: 'SelfManaged' | 'Dedicated';
  SelfManagedResourceOptions?: {
    ExternalClusterId?: string;
    RoleName?: string;
    NodeMatchLabels?: Record<string, string | null>;
    NodeTolerations?: Array<{
      key?: string;
      value?: string;
      operator?: 'Equal' | 'Exists';
      effect?: 'PreferNoSchedule' | 'NoSchedule' | 'NoExecute';
    }>;
  };
  Labels?: Record<string, string | null>;
  ResourceName?: string;
  UsageMode?: string;
}

export interface CreateResourceInstancesInput {
  ClusterId: string;
  ResourceId: string;
  body: {
    EcsInstanceType: string;
    SystemDiskSize?: number;
    EcsInstanceCount: number;
    ChargeType: 'PrePaid' | 'PostPaid';
    UserData?: string;
    AutoRenewal?: boolean;
    Zone?: string;
    Labels?: Record<string, string | null>;
  };
  EcsInstanceType: string;
  SystemDiskSize?: number;
  EcsInstanceCount: number;
  ChargeType: 'PrePaid' | 'PostPaid';
  UserData?: string;
  AutoRenewal?: boolean;
  Zone?: string;
  Labels?: Record<string, string | null>;
}

export interface CreateResourceLogInput {
  ClusterId: string;
  ResourceId: string;
  body: {
    ProjectName: string;
    LogStore: string;
  };
  ProjectName: string;
  LogStore: string;
}

export interface CreateServiceInput {
  body: Record<string, unknown>;
  Develop?: 'true' | 'false';
  Labels?: Record<string, string | null>;
  WorkspaceId?: string;
}

export interface CreateServiceCronScalerInput {
  ClusterId: string;
  ServiceName: string;
  body: {
    ScaleJobs: Array<{
      TargetSize: number;
      Schedule: string;
      Name?: string;
      TimeZone?: string;
    }>;
    ExcludeDates?: Array<string>;
  };
  ScaleJobs: Array<{
    TargetSize: number;
    Schedule: string;
    Name?: string;
    TimeZone?: string;
  }>;
  ExcludeDates?: Array<string>;
}

export interface DeleteResourceInput {
  ClusterId: string;
  ResourceId: string;
}

export interface DeleteResourceDLinkInput {
  ClusterId: string;
  ResourceId: string;
}

export interface DeleteResourceInstanceLabelInput {
  ClusterId: string;
  ResourceId: string;
  InstanceIds?: Array<string>;
  AllInstances?: boolean;
  Keys?: Array<string>;
  LabelKeys?: Array<string>;
}

export interface DeleteResourceInstancesInput {
  ClusterId: string;
  ResourceId: string;
  InstanceList?: string;
  AllFailed?: boolean;
}

export interface DeleteResourceLogInput {
  ClusterId: string;
  ResourceId: string;
}

export interface DeleteServiceInput {
  ClusterId: string;
  ServiceName: string;
}

export interface DeleteServiceCronScalerInput {
  ClusterId: string;
  ServiceName: string;
}

export interface DeleteServiceInstancesInput {
  ClusterId: string;
  ServiceName: string;
  InstanceList?: string;
  SoftRestart?: boolean;
  Container?: string;
  IsReplica?: boolean;
}

export interface DeleteServiceLabelInput {
  ClusterId: string;
  ServiceName: string;
  Keys?: Array<string>;
  LabelKeys?: Array<string>;
}

export interface DescribeResourceInput {
  ClusterId: string;
  ResourceId: string;
}

export interface DescribeResourceDLinkInput {
  ClusterId: string;
  ResourceId: string;
}

export interface DescribeResourceLogInput {
  ClusterId: string;
  ResourceId: string;
}

export interface DescribeServiceInput {
  ClusterId: string;
  ServiceName: string;
}

export interface DescribeServiceCronScalerInput {
  ClusterId: string;
  ServiceName: string;
}

export interface DescribeServiceEndpointsInput {
  ClusterId: string;
  ServiceName: string;
}

export interface DescribeServiceEventInput {
  PageNum?: string;
  PageSize?: string;
  ClusterId: string;
  ServiceName: string;
  StartTime?: string;
  EndTime?: string;
  EventType?: 'Warning' | 'Normal';
  InstanceName?: string;
}

export interface ListResourceInstanceWorkerInput {
  ClusterId: string;
  ResourceId: string;
  InstanceName: string;
  PageNumber?: number;
  PageSize?: number;
  WorkerName?: string;
  Status?: string;
  Order?: string;
  Sort?: string;
  ServiceName?: string;
  Ready?: boolean;
}

export interface ListResourceInstancesInput {
  ClusterId: string;
  ResourceId: string;
  ChargeType?: 'PostPaid' | 'PrePaid';
  PageNumber?: number;
  PageSize?: number;
  InstanceName?: string;
  InstanceId?: string;
  InstanceIP?: string;
  Filter?: string;
  InstanceStatus?: 
    | 'Ready-SchedulingDisabled'
    | 'Ready'
    | 'NotReady'
    | 'Stopped'
    | 'NotReady-SchedulingDisabled'
    | 'Attaching'
    | 'Deleting'
    | 'CreateFailed';
  Label?: Record<string, string | null>;
  Sort?: 'CreateTime' | 'MemoryUsed' | 'GpuUsed' | 'ExpireTime' | 'CpuUsed';
  Order?: 'asc' | 'desc';
  Zone?: string;
}

export interface ListResourceServicesInput {
  ClusterId: string;
  ResourceId: string;
  PageNumber?: number;
  PageSize?: number;
}

export interface ListResourcesInput {
  PageNumber?: number;
  PageSize?: number;
  ResourceName?: string;
  ResourceId?: string;
  ResourceType?: 'SelfManaged' | 'Dedicated';
  ResourceStatus?: string;
  Order?: string;
  Sort?: string;
  UsageMode?: string;
}

export interface ListServiceInstancesInput {
  ClusterId: string;
  ServiceName: string;
  PageNumber?: number;
  PageSize?: number;
  Filter?: string;
  ResourceType?: 'PublicResource' | 'DedicatedResource';
  InstanceType?: string;
  InstanceStatus?: string;
  InstanceIP?: string;
  InstanceName?: string;
  HostIP?: string;
  IsSpot?: boolean;
  Role?: 'DataSet' | 'SDProxy' | 'Standard' | 'Queue';
  Sort?: 'StartTime';
  Order?: 'asc' | 'desc';
  MemberType?: string;
  ListReplica?: boolean;
  ReplicaName?: string;
  QuotaId?: string;
  Resource?: string;
}

export interface ListServiceVersionsInput {
  ClusterId: string;
  ServiceName: string;
  PageNumber?: number;
  PageSize?: number;
}

export interface ListServicesInput {
  Sort?: string;
  Order?: string;
  Filter?: string;
  PageNumber?: number;
  PageSize?: number;
  GroupName?: string;
  ParentServiceUid?: string;
  ServiceType?: 'Async' | 'Standard' | 'OfflineTask' | 'Proxima';
  Label?: Record<string, string | null>;
  ServiceStatus?: 
    | 'Creating'
    | 'Stopped'
    | 'Failed'
    | 'Complete'
    | 'Cloning'
    | 'Stopping'
    | 'Updating'
    | 'Waiting'
    | 'HotUpdate'
    | 'Committing'
    | 'Starting'
    | 'DeleteFailed'
    | 'Running'
    | 'Developing'
    | 'Scaling'
    | 'Deleted'
    | 'Pending'
    | 'Deleting';
  ServiceName?: string;
  ServiceUid?: string;
  ResourceName?: string;
  WorkspaceId?: string;
  QuotaId?: string;
  Gateway?: string;
  Role?: string;
  ResourceType?: string;
  IncludeNoWorkspace?: boolean;
  ResourceAliasName?: string;
  ResourceId?: string;
  ResourceBurstable?: boolean;
  CronscalerEnabled?: boolean;
  AutoscalerEnabled?: boolean;
  TrafficState?: string;
  Accessibility?: string;
  CallerUid?: string;
}

export interface MigrateResourceInstanceInput {
  ClusterId: string;
  ResourceId: string;
  body: {
    InstanceIds: Array<string>;
    DestResourceId: string;
    MigrateToHybrid?: boolean;
  };
  InstanceIds: Array<string>;
  DestResourceId: string;
  MigrateToHybrid?: boolean;
}

export interface RestartServiceInput {
  ClusterId: string;
  ServiceName: string;
}

export interface ScaleServiceInput {
  ClusterId: string;
  ServiceName: string;
  body: {
    Instance: number;
    InstancesToDelete?: Array<string>;
  };
  Instance: number;
  InstancesToDelete?: Array<string>;
}

export interface StartServiceInput {
  ClusterId: string;
  ServiceName: string;
}

export interface StopServiceInput {
  ClusterId: string;
  ServiceName: string;
}

export interface UpdateResourceInput {
  ClusterId: string;
  ResourceId: string;
  body: {
    ResourceName?: string;
    SelfManagedResourceOptions?: {
      NodeMatchLabels?: Record<string, string | null>;
      NodeTolerations?: Array<{
        key?: string;
        value?: string;
        operator?: 'Equal' | 'Exists';
        effect?: 'PreferNoSchedule' | 'NoSchedule' | 'NoExecute';
      }>;
    };
  };
  ResourceName?: string;
  SelfManagedResourceOptions?: {
    NodeMatchLabels?: Record<string, string | null>;
    NodeTolerations?: Array<{
      key?: string;
      value?: string;
      operator?: 'Equal' | 'Exists';
      effect?: 'PreferNoSchedule' | 'NoSchedule' | 'NoExecute';
    }>;
  };
}

export interface UpdateResourceDLinkInput {
  ClusterId: string;
  ResourceId: string;
  body: {
    VSwitchId: string;
    SecurityGroupId: string;
    VSwitchIdList?: Array<string>;
    DestinationCIDRs?: string;
  };
  VSwitchId: string;
  SecurityGroupId: string;
  VSwitchIdList?: Array<string>;
  DestinationCIDRs?: string;
}

export interface UpdateResourceInstanceInput {
  ClusterId: string;
  ResourceId: string;
  InstanceId: string;
  body: {
    Action?: 'Uncordon' | 'Cordon' | 'Drain';
    NewDiskSize?: string;
    Reason?: string;
  };
  Action?: 'Uncordon' | 'Cordon' | 'Drain';
  NewDiskSize?: string;
  Reason?: string;
}

export interface UpdateResourceInstanceLabelInput {
  ClusterId: string;
  ResourceId: string;
  InstanceIds?: Array<string>;
  AllInstances?: boolean;
  body: {
    Labels?: Record<string, string | null>;
  };
  Labels?: Record<string, string | null>;
}

export interface UpdateServiceInput {
  ClusterId: string;
  ServiceName: string;
  UpdateType?: 'merge' | 'replace';
  MemberToUpdate?: string;
  body: Record<string, unknown>;
}

export interface UpdateServiceCronScalerInput {
  ClusterId: string;
  ServiceName: string;
  body: {
    ScaleJobs: Array<{
      TargetSize: number;
      Schedule: string;
      Name?: string;
      TimeZone?: string;
    }>;
    ExcludeDates?: Array<string>;
  };
  ScaleJobs: Array<{
    TargetSize: number;
    Schedule: string;
    Name?: string;
    TimeZone?: string;
  }>;
  ExcludeDates?: Array<string>;
}

export interface UpdateServiceLabelInput {
  ClusterId: string;
  ServiceName: string;
  body: {
    Labels: Record<string, string | null>;
  };
  Labels: Record<string, string | null>;
}

export interface UpdateServiceSafetyLockInput {
  ClusterId: string;
  ServiceName: string;
  body: {
    Lock: 'none' | 'dangerous' | 'all';
  };
  Lock: 'none' | 'dangerous' | 'all';
}

export interface UpdateServiceVersionInput {
  ClusterId: string;
  ServiceName: string;
  body: {
    Version: number;
  };
  Version: number;
}

/** Every operation's input type by action. */
export interface EasInputs {
  CreateResource: CreateResourceInput;
  CreateResourceInstances: CreateResourceInstancesInput;
  CreateResourceLog: CreateResourceLogInput;
  CreateService: CreateServiceInput;
  CreateServiceCronScaler: CreateServiceCronScalerInput;
  DeleteResource: DeleteResourceInput;
  DeleteResourceDLink: DeleteResourceDLinkInput;
  DeleteResourceInstanceLabel: DeleteResourceInstanceLabelInput;
  DeleteResourceInstances: DeleteResourceInstancesInput;
  DeleteResourceLog: DeleteResourceLogInput;
  DeleteService: DeleteServiceInput;
  DeleteServiceCronScaler: DeleteServiceCronScalerInput;
  DeleteServiceInstances: DeleteServiceInstancesInput;
  DeleteServiceLabel: DeleteServiceLabelInput;
  DescribeResource: DescribeResourceInput;
  DescribeResourceDLink: DescribeResourceDLinkInput;
  DescribeResourceLog: DescribeResourceLogInput;
  DescribeService: DescribeServiceInput;
  DescribeServiceCronScaler: DescribeServiceCronScalerInput;
  DescribeServiceEndpoints: DescribeServiceEndpointsInput;
  DescribeServiceEvent: DescribeServiceEventInput;
  ListResourceInstanceWorker: ListResourceInstanceWorkerInput;
  ListResourceInstances: ListResourceInstancesInput;
  ListResourceServices: ListResourceServicesInput;
  ListResources: ListResourcesInput;
  ListServiceInstances: ListServiceInstancesInput;
  ListServiceVersions: ListServiceVersionsInput;
  ListServices: ListServicesInput;
  MigrateResourceInstance: MigrateResourceInstanceInput;
  RestartService: RestartServiceInput;
  ScaleService: ScaleServiceInput;
  StartService: StartServiceInput;
  StopService: StopServiceInput;
  UpdateResource: UpdateResourceInput;
  UpdateResourceDLink: UpdateResourceDLinkInput;
  UpdateResourceInstance: UpdateResourceInstanceInput;
  UpdateResourceInstanceLabel: UpdateResourceInstanceLabelInput;
  UpdateService: UpdateServiceInput;
  UpdateServiceCronScaler: UpdateServiceCronScalerInput;
  UpdateServiceLabel: UpdateServiceLabelInput;
  UpdateServiceSafetyLock: UpdateServiceSafetyLockInput;
  UpdateServiceVersion: UpdateServiceVersionInput;
}
