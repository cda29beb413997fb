// RAM (2015-05-01) and STS (2015-04-01) error codes. Names follow Alibaba's RAM error list
// (https://www.alibabacloud.com/help/doc-detail/28754.htm: InvalidParameter.<Name>.InvalidChars /
// .Length, EntityNotExist.<Entity>, EntityAlreadyExists.<Entity>, LimitExceeded.<…>,
// DeleteConflict.<Entity>.<Dependent>) and the STS AssumeRole page (InvalidParameter.RoleArn,
// .RoleSessionName, .DurationSeconds, .PolicyGrammar, .PolicySize). Statuses: 400 for parameters,
// 404 for missing entities, 409 for existing entities, limits and conflicts. docs/ram.md marks
// which names and statuses are documented and which are inferred from the pattern.
import { registerErrors } from '../gateway/errors.ts';

/** Parameters whose names RAM checks, each with `.InvalidChars` and `.Length` codes (error list). */
export const NAMED_PARAMETERS = [
  'UserName',
  'NewUserName',
  'DisplayName',
  'NewDisplayName',
  'GroupName',
  'NewGroupName',
  'RoleName',
  'PolicyName',
  'Comments',
  'Description',
] as const;

registerErrors(
  Object.fromEntries(
    NAMED_PARAMETERS.flatMap((name) => [
      [`InvalidParameter.${name}.InvalidChars`, { status: 400, message: `The parameter - "${name}" contains invalid chars.` }],
      [`InvalidParameter.${name}.Length`, { status: 400, message: `The parameter - "${name}" beyond the length limit.` }],
    ]),
  ),
);

export const RAM_ERRORS = registerErrors({
  'InvalidParameter.PolicyDocument': { status: 400, message: 'The parameter - "PolicyDocument" is invalid: {reason}' },
  'InvalidParameter.PolicyDocument.Length': { status: 400, message: 'The parameter - "PolicyDocument" beyond the length limit: {reason}' },
  'InvalidParameter.AssumeRolePolicyDocument': { status: 400, message: 'The parameter - "AssumeRolePolicyDocument" is invalid: {reason}' },
  'InvalidParameter.MaxSessionDuration': {
    status: 400,
    message: 'The parameter - "MaxSessionDuration" must be from 3600 to 43200 seconds.',
  },
  'InvalidParameter.PolicyType': { status: 400, message: 'The parameter - "PolicyType" must be System or Custom.' },
  'InvalidParameter.Status': { status: 400, message: 'The parameter - "Status" must be Active or Inactive.' },
  'InvalidParameter.EncodedDiagnosticMessage': { status: 400, message: 'The parameter - "EncodedDiagnosticMessage" is invalid.' },
  'EntityNotExist.User': { status: 404, message: 'The user does not exist: {name}' },
  'EntityNotExist.Group': { status: 404, message: 'The group does not exist: {name}' },
  'EntityNotExist.Role': { status: 404, message: 'The role does not exist: {name}' },
  'EntityNotExist.Policy': { status: 404, message: 'The policy does not exist: {name}' },
  'EntityNotExist.PolicyVersion': { status: 404, message: 'The policy version does not exist: {name}' },
  'EntityNotExist.User.AccessKey': { status: 404, message: 'The AccessKey does not exist: {name}' },
  'EntityNotExist.User.Group': { status: 404, message: 'The user {user} is not a member of group {group}.' },
  'EntityNotExist.User.Policy': { status: 404, message: 'The policy {policy} is not attached to the user {user}.' },
  'EntityNotExist.Group.Policy': { status: 404, message: 'The policy {policy} is not attached to the group {group}.' },
  'EntityNotExist.Role.Policy': { status: 404, message: 'The policy {policy} is not attached to the role {role}.' },
  'EntityAlreadyExists.User': { status: 409, message: 'The user does already exist: {name}' },
  'EntityAlreadyExists.Group': { status: 409, message: 'The group does already exist: {name}' },
  'EntityAlreadyExists.Role': { status: 409, message: 'The role does already exist: {name}' },
  'EntityAlreadyExists.Policy': { status: 409, message: 'The policy does already exist: {name}' },
  'EntityAlreadyExists.User.Group': { status: 409, message: 'The user {user} is already a member of group {group}.' },
  'EntityAlreadyExists.User.Policy': { status: 409, message: 'The policy {policy} is already attached to the user {user}.' },
  'EntityAlreadyExists.Group.Policy': { status: 409, message: 'The policy {policy} is already attached to the group {group}.' },
  'EntityAlreadyExists.Role.Policy': { status: 409, message: 'The policy {policy} is already attached to the role {role}.' },
  'LimitExceeded.User.AccessKey': { status: 409, message: 'The count of AccessKeys of the user {name} exceeds the limit of {limit}.' },
  'LimitExceeded.User.Group': { status: 409, message: 'The user {name} already belongs to {limit} groups, the limit.' },
  'LimitExceeded.Policy.Version': { status: 409, message: 'The policy {name} already has {limit} versions, the limit.' },
  'LimitExceeded.Policy': { status: 409, message: 'The account already has {limit} custom policies, the limit.' },
  'LimitExceeded.User': { status: 409, message: 'The account already has {limit} RAM users, the limit.' },
  'LimitExceeded.Role': { status: 409, message: 'The account already has {limit} RAM roles, the limit.' },
  'DeleteConflict.User.AccessKey': { status: 409, message: 'The user {name} still has AccessKeys.' },
  'DeleteConflict.User.Group': { status: 409, message: 'The user {name} still belongs to groups.' },
  'DeleteConflict.User.Policy': { status: 409, message: 'The user {name} still has policies attached.' },
  'DeleteConflict.Group.User': { status: 409, message: 'The group {name} still has members.' },
  'DeleteConflict.Group.Policy': { status: 409, message: 'The group {name} still has policies attached.' },
  'DeleteConflict.Role.Policy': { status: 409, message: 'The role {name} still has policies attached.' },
  'DeleteConflict.Policy.User': { status: 409, message: 'The policy {name} is still attached to users.' },
  'DeleteConflict.Policy.Group': { status: 409, message: 'The policy {name} is still attached to groups.' },
  'DeleteConflict.Policy.Role': { status: 409, message: 'The policy {name} is still attached to roles.' },
  'DeleteConflict.Policy.Version': { status: 409, message: 'The policy {name} still has versions other than the default one.' },
  'DeleteConflict.PolicyVersion.Default': { status: 409, message: 'The default version {name} of a policy cannot be deleted.' },
  'NoPermission.SystemPolicy': { status: 403, message: 'System policy {name} is managed by Alibaba Cloud and cannot be changed.' },

  // STS (AssumeRole.md)
  'InvalidParameter.RoleArn': { status: 400, message: 'The parameter RoleArn is wrong: {reason}' },
  'InvalidParameter.RoleSessionName': {
    status: 400,
    message: 'The parameter RoleSessionName is wrong: 2-32 characters from letters, digits and . @ - _.',
  },
  'InvalidParameter.DurationSeconds': { status: 400, message: 'The Min/Max value of DurationSeconds is 15min/{max}s.' },
  'InvalidParameter.PolicyGrammar': { status: 400, message: 'The parameter Policy has not passed grammar check: {reason}' },
  'InvalidParameter.PolicySize': { status: 400, message: 'The parameter Policy is longer than 1024 characters.' },
});

export type NamedParameter = (typeof NAMED_PARAMETERS)[number];

declare module '../gateway/errors.ts' {
  interface ErrorCodes {
    ram: keyof typeof RAM_ERRORS | `InvalidParameter.${NamedParameter}.${'InvalidChars' | 'Length'}`;
  }
}
