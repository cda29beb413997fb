// System policies: managed by Alibaba Cloud, present in every account, neither changeable nor
// deletable. Contents of the EAS ones follow Alibaba's published documents, limited to the
// actions openeas serves (https://www.alibabacloud.com/help/en/ram/developer-reference/aliyunpaieasfullaccess,
// …/aliyunpaieasreadonlyaccess); the others follow the RAM console's descriptions (docs/ram.md).
import { compilePolicyText, type CompiledPolicy } from './policy/compile.ts';

export interface SystemPolicy {
  name: string;
  description: string;
  document: string;
  compiled: CompiledPolicy;
}

function define(name: string, description: string, statements: unknown[]): SystemPolicy {
  const document = JSON.stringify({ Version: '1', Statement: statements }, null, 2);
  return { name, description, document, compiled: compilePolicyText(document) };
}

const list: SystemPolicy[] = [
  define('AdministratorAccess', 'Provides full access to Alibaba Cloud services and resources.', [
    { Effect: 'Allow', Action: '*', Resource: '*' },
  ]),
  define('ReadOnlyAccess', 'Provides read-only access to Alibaba Cloud services and resources.', [
    { Effect: 'Allow', Action: ['*:Describe*', '*:List*', '*:Get*', '*:BatchGet*', '*:Query*', '*:BatchQuery*'], Resource: '*' },
  ]),
  define('AliyunPAIEASFullAccess', 'Provides full access to Platform for AI (PAI) Elastic Algorithm Service (EAS).', [
    { Effect: 'Allow', Action: 'eas:*', Resource: '*' },
  ]),
  define('AliyunPAIEASReadOnlyAccess', 'Provides read-only access to Platform for AI (PAI) Elastic Algorithm Service (EAS).', [
    { Effect: 'Allow', Action: ['eas:Describe*', 'eas:List*'], Resource: '*' },
  ]),
  define('AliyunSTSAssumeRoleAccess', 'Provides access to call AssumeRole of Security Token Service (STS).', [
    { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' },
  ]),
  define('AliyunRAMFullAccess', 'Provides full access to Resource Access Management (RAM).', [
    { Effect: 'Allow', Action: 'ram:*', Resource: '*' },
  ]),
  define('AliyunRAMReadOnlyAccess', 'Provides read-only access to Resource Access Management (RAM).', [
    { Effect: 'Allow', Action: ['ram:Get*', 'ram:List*'], Resource: '*' },
  ]),
];

/** By lower-case name. */
export const SYSTEM_POLICIES: ReadonlyMap<string, SystemPolicy> = new Map(list.map((p) => [p.name.toLowerCase(), p]));

/** When system policies were "created" (shown as CreateDate; fixed so responses are stable). */
export const SYSTEM_POLICY_DATE = Date.UTC(2015, 3, 28);
