// GENERATED FILE: do not edit by hand.
// Source: the model documentation of @alicloud/ram20150501 1.2.1, @alicloud/sts20150401 1.2.0, @alicloud/bssopenapi20171214 4.1.1, by scripts/generate-rpc-docs.ts.
// Regenerate with: node --import tsx scripts/generate-rpc-docs.ts
// test/unit/generated-rpc-docs.test.ts fails when this file no longer matches.

export interface RpcDoc {
  summary?: string;
  /** Request parameter → description, by wire name. */
  params: Record<string, string>;
  /** The response body as a JSON schema. */
  response?: unknown;
}

export const RPC_DOCS: Record<string, Record<string, RpcDoc>> = {
  "ram": {
    "AddUserToGroup": {
      "params": {
        "GroupName": "The name of the RAM user group.",
        "UserName": "The name of the RAM user."
      },
      "summary": "Adds a Resource Access Management (RAM) user to a RAM user group.",
      "response": {
        "type": "object",
        "properties": {
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "AttachPolicyToGroup": {
      "params": {
        "GroupName": "The name of the RAM user group.",
        "PolicyName": "The name of the policy.",
        "PolicyType": "The type of the policy. Valid values: `System` and `Custom`."
      },
      "summary": "Attaches a policy to a Resource Access Management (RAM) user group.",
      "response": {
        "type": "object",
        "properties": {
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "AttachPolicyToRole": {
      "params": {
        "PolicyName": "The name of the policy.",
        "PolicyType": "The type of the policy. Valid values: `System` and `Custom`.",
        "RoleName": "The name of the RAM role."
      },
      "summary": "Attaches a policy to a Resource Access Management (RAM) role.",
      "response": {
        "type": "object",
        "properties": {
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "AttachPolicyToUser": {
      "params": {
        "PolicyName": "The name of the policy.",
        "PolicyType": "The type of the policy. Valid values: `System` and `Custom`.",
        "UserName": "The name of the RAM user."
      },
      "summary": "Attaches a policy to a Resource Access Management (RAM) user.",
      "response": {
        "type": "object",
        "properties": {
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "CreateAccessKey": {
      "params": {
        "UserName": "The name of the RAM user. If a RAM user calls this operation and does not specify this parameter, an AccessKey pair is created for the RAM user."
      },
      "summary": "Creates an AccessKey pair for a Resource Access Management (RAM) user.",
      "response": {
        "type": "object",
        "properties": {
          "AccessKey": {
            "description": "The information about the AccessKey pair.",
            "type": "object",
            "properties": {
              "AccessKeyId": {
                "description": "The AccessKey ID.",
                "type": "string"
              },
              "AccessKeySecret": {
                "description": "The AccessKey secret.",
                "type": "string"
              },
              "CreateDate": {
                "description": "The time when the AccessKey pair was created.",
                "type": "string"
              },
              "Status": {
                "description": "The status of the AccessKey pair. Valid values: Active and Inactive.",
                "type": "string"
              }
            }
          },
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "CreateGroup": {
      "params": {
        "Comments": "The description.\n\nThe value can be up to 128 characters in length.",
        "GroupName": "The name of the user group.\n\nThe name must be 1 to 64 characters in length and can contain letters, digits, periods (.), hyphens (-), and underscores (_)."
      },
      "summary": "Creates a RAM user group.",
      "response": {
        "type": "object",
        "properties": {
          "Group": {
            "description": "The information about the group.",
            "type": "object",
            "properties": {
              "Comments": {
                "description": "The description.",
                "type": "string"
              },
              "CreateDate": {
                "description": "The creation time.",
                "type": "string"
              },
              "GroupId": {
                "description": "The ID of the user group.",
                "type": "string"
              },
              "GroupName": {
                "description": "The name of the user group.",
                "type": "string"
              }
            }
          },
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "CreatePolicy": {
      "params": {
        "Description": "The description of the policy.\n\nThe description must be 1 to 1,024 characters in length.",
        "PolicyDocument": "The document of the policy.\n\nThe document must be 1 to 6,144 characters in length.\n\nFor more information about policy elements and sample policies, see [Policy elements](https://help.aliyun.com/document_detail/93738.html) and [Overview of sample policies](https://help.aliyun.com/document_detail/210969.html).",
        "PolicyName": "The name of the policy.\n\nThe name must be 1 to 128 characters in length and can contain letters, digits, and hyphens (-).",
        "Tag": "The tags."
      },
      "summary": "Creates a custom policy.",
      "response": {
        "type": "object",
        "properties": {
          "Policy": {
            "description": "The information about the policy.",
            "type": "object",
            "properties": {
              "CreateDate": {
                "description": "The time when the policy was created.",
                "type": "string"
              },
              "DefaultVersion": {
                "description": "The version of the policy. Default value: v1.",
                "type": "string"
              },
              "Description": {
                "description": "The description of the policy.",
                "type": "string"
              },
              "PolicyName": {
                "description": "The name of the policy.",
                "type": "string"
              },
              "PolicyType": {
                "description": "The type of the policy. Valid values:\n\n*   Custom\n*   System",
                "type": "string"
              }
            }
          },
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "CreatePolicyVersion": {
      "params": {
        "PolicyDocument": "The document of the policy. The document can be up to 6,144 bytes in length.",
        "PolicyName": "The name of the policy.",
        "RotateStrategy": "The rotation strategy of the policy. The rotation strategy can be used to delete an early policy version.\n\nValid values:\n\n*   `None`: disables the rotation strategy.\n*   `DeleteOldestNonDefaultVersionWhenLimitExceeded`: deletes the earliest non-active version if the number of versions exceeds the limit.\n\nDefault value: `None`.",
        "SetAsDefault": "Specifies whether to set this policy as the default policy. Default value: `false`."
      },
      "summary": "Creates a version for a policy.",
      "response": {
        "type": "object",
        "properties": {
          "PolicyVersion": {
            "description": "The information about the policy version.",
            "type": "object",
            "properties": {
              "CreateDate": {
                "description": "The time when the policy version was created.",
                "type": "string"
              },
              "IsDefaultVersion": {
                "description": "Indicates whether the policy version is the default version.",
                "type": "boolean"
              },
              "PolicyDocument": {
                "description": "The document of the policy.",
                "type": "string"
              },
              "VersionId": {
                "description": "The ID of the policy version.",
                "type": "string"
              }
            }
          },
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "CreateRole": {
      "params": {
        "AssumeRolePolicyDocument": "The trust policy that specifies one or more trusted entities to assume the RAM role. The trusted entities can be Alibaba Cloud accounts, Alibaba Cloud services, or identity providers (IdPs).\n\n>  RAM users cannot assume the RAM roles of trusted Alibaba Cloud services.",
        "Description": "The description of the RAM role.\n\nThe description must be 1 to 1,024 characters in length.",
        "MaxSessionDuration": "The maximum session time of the RAM role.\n\nValid values: 3600 to 43200. Unit: seconds. Default value: 3600.\n\nIf you do not specify this parameter, the default value is used.",
        "RoleName": "The name of the RAM role.\n\nThe name must be 1 to 64 characters in length, and can contain letters, digits, periods (.), and hyphens (-).",
        "Tag": "The tags."
      },
      "summary": "Creates a Resource Access Management (RAM) role.",
      "response": {
        "type": "object",
        "properties": {
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          },
          "Role": {
            "description": "The information about the RAM role.",
            "type": "object",
            "properties": {
              "Arn": {
                "description": "The Alibaba Cloud Resource Name (ARN) of the RAM role.",
                "type": "string"
              },
              "AssumeRolePolicyDocument": {
                "description": "The trust policy that specifies the trusted entity to assume the RAM role.",
                "type": "string"
              },
              "CreateDate": {
                "description": "The time when the RAM role was created.",
                "type": "string"
              },
              "Description": {
                "description": "The description of the RAM role.",
                "type": "string"
              },
              "MaxSessionDuration": {
                "description": "The maximum session time of the RAM role.",
                "type": "number"
              },
              "RoleId": {
                "description": "The ID of the RAM role.",
                "type": "string"
              },
              "RoleName": {
                "description": "The name of the RAM role.",
                "type": "string"
              }
            }
          }
        }
      }
    },
    "CreateUser": {
      "params": {
        "Comments": "The description of the RAM user.\n\nThe description must be 1 to 128 characters in length.",
        "DisplayName": "The display name of the RAM user.\n\nThe name must be 1 to 128 characters in length.",
        "Email": "The email address of the RAM user.\n\n>  This parameter applies only to the China site (aliyun.com).",
        "MobilePhone": "The mobile phone number of the RAM user.\n\nFormat: \\\\<Country code>-\\\\<Mobile phone number>.\n\n>  This parameter applies only to the China site (aliyun.com).",
        "UserName": "The name of the RAM user.\n\nThe name must be 1 to 64 characters in length, and can contain letters, digits, periods (.), hyphens (-), and underscores (_)."
      },
      "summary": "Creates a Resource Access Management (RAM) user.",
      "response": {
        "type": "object",
        "properties": {
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          },
          "User": {
            "description": "The information about the RAM user.",
            "type": "object",
            "properties": {
              "Comments": {
                "description": "The description of the RAM user.",
                "type": "string"
              },
              "CreateDate": {
                "description": "The point in time when the RAM user was created. The time is displayed in UTC.",
                "type": "string"
              },
              "DisplayName": {
                "description": "The display name of the RAM user.",
                "type": "string"
              },
              "Email": {
                "description": "The email address of the RAM user.\n\n>  This parameter applies only to the China site (aliyun.com).",
                "type": "string"
              },
              "MobilePhone": {
                "description": "The mobile phone number of the RAM user.\n\n>  This parameter applies only to the China site (aliyun.com).",
                "type": "string"
              },
              "UserId": {
                "description": "The ID of the RAM user.",
                "type": "string"
              },
              "UserName": {
                "description": "The name of the RAM user.",
                "type": "string"
              }
            }
          }
        }
      }
    },
    "DecodeDiagnosticMessage": {
      "params": {
        "EncodedDiagnosticMessage": "The encoded diagnostic information in the response that contains an access denied error. The error is caused by no RAM permissions."
      },
      "summary": "Decodes the diagnostic information in the response that contains an access denied error. The error is caused by no RAM permissions.",
      "response": {
        "type": "object",
        "properties": {
          "DecodedDiagnosticMessage": {
            "description": "The decoded diagnostic information.",
            "type": "object",
            "properties": {
              "AuthAction": {
                "description": "The operation that is used for authentication in the request.",
                "type": "string"
              },
              "AuthConditions": {
                "description": "The conditions that are used for authentication in the request.",
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "ConditionKey": {
                      "description": "The key of the condition.",
                      "type": "string"
                    },
                    "ConditionValues": {
                      "description": "The values that correspond to the key.",
                      "type": "array",
                      "items": {
                        "type": "string"
                      }
                    }
                  }
                }
              },
              "AuthPrincipal": {
                "description": "The operator that is used for authentication in the request.",
                "type": "object",
                "properties": {
                  "AuthPrincipalDisplayName": {
                    "description": "The identity.\n\n*   If the operator is a RAM user, the ID of the user is displayed.\n*   If the operator is a RAM role, the name and session name of the role are displayed. Example: RoleName:RoleSessionName.\n*   If the operator is an SSO federated identity, the type and name of the identity provider (IdP) are displayed. Example: saml-provider/AzureAD.",
                    "type": "string"
                  },
                  "AuthPrincipalOwnerId": {
                    "description": "The ID of the Alibaba Cloud account to which the identity belongs.",
                    "type": "string"
                  },
                  "AuthPrincipalType": {
                    "description": "The identity type that is used for authentication in the request.\n\nValid values:\n\n*   SubUser: RAM user\n*   AssumedRoleUser: RAM role\n*   Federated: SSO federated identity",
                    "type": "string"
                  }
                }
              },
              "AuthResource": {
                "description": "The resource that is used for authentication in the request.",
                "type": "string"
              },
              "ExplicitDeny": {
                "description": "Indicates whether the access denied error is caused by an explicit deny.\n\nValid values:\n\n*   true\n*   false",
                "type": "boolean"
              },
              "MatchedPolicies": {
                "description": "The policies that are matched.",
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "AttachedEntityType": {
                      "description": "The type of the entity to which the policy is attached.\n\nValid values:\n\n*   RamUser: RAM user\n*   RamRole: RAM role\n*   ResourceDirectoryTarget: entity in a resource directory\n*   RamGroup: RAM user group",
                      "type": "string"
                    },
                    "AttachedScope": {
                      "description": "The authorization scope of the policy.\n\nValid values:\n\n*   Account: Alibaba Cloud account\n*   Folder: folder in the resource directory\n*   ResourceGroup: resource group",
                      "type": "string"
                    },
                    "Effect": {
                      "description": "The effect of the policy.\n\nValid values:\n\n*   Deny\n\n    <!-- -->\n\n    <!-- -->\n\n    <!-- -->\n\n*   Allow\n\n    <!-- -->\n\n    <!-- -->\n\n    <!-- -->",
                      "type": "string"
                    },
                    "PolicyIdentifier": {
                      "description": "The identifier of the policy.\n\n*   Control policy: the ID of the control policy\n*   RAM policy: the name of the policy",
                      "type": "string"
                    },
                    "PolicyType": {
                      "description": "The type of the policy.\n\nValid values:\n*   Custom: custom policy\n*   System: system policy",
                      "type": "string"
                    },
                    "PolicyVersion": {
                      "description": "The version number of the policy.\n\n> Only custom policies have version numbers.",
                      "type": "string"
                    }
                  }
                }
              },
              "NoPermissionPolicyType": {
                "description": "The type of the policy that causes the access denied error.\n\nValid values:\n\n*   AssumeRolePolicy: role-specific trust policy\n*   ControlPolicy: control policy\n*   AccountLevelIdentityBasedPolicy: identity-based policy at the account level\n*   ResourceGroupLevelIdentityBasedPolicy: identity-based policy at the resource group level\n*   SessionPolicy: session policy",
                "type": "string"
              }
            }
          },
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "DeleteAccessKey": {
      "params": {
        "UserAccessKeyId": "The AccessKey ID in the AccessKey pair that you want to delete.``",
        "UserName": "The name of the RAM user."
      },
      "summary": "Deletes an AccessKey pair of a Resource Access Management (RAM) user.",
      "response": {
        "type": "object",
        "properties": {
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "DeleteGroup": {
      "params": {
        "GroupName": "The name of the RAM user group.\n\nIf you want to query the name of a RAM user group, you can call the [ListGroups](https://help.aliyun.com/document_detail/28703.html) operation."
      },
      "summary": "Deletes a Resource Access Management (RAM) user group.",
      "response": {
        "type": "object",
        "properties": {
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "DeletePolicy": {
      "params": {
        "CascadingDelete": "Specifies whether to delete all versions of the policy. Valid values:\n\n*   true: deletes all versions of the policy.\n*   false: does not delete all versions of the policy. If you set the parameter to false, the non-default versions of the policy are not deleted. Before you delete the policy, you must manually delete all non-default versions of the policy.",
        "PolicyName": "The name of the policy."
      },
      "summary": "Deletes a policy.",
      "response": {
        "type": "object",
        "properties": {
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "DeletePolicyVersion": {
      "params": {
        "PolicyName": "The name of the policy.",
        "VersionId": "The ID of the policy version that you want to delete."
      },
      "summary": "Deletes a policy version.",
      "response": {
        "type": "object",
        "properties": {
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "DeleteRole": {
      "params": {
        "RoleName": "The name of the RAM role."
      },
      "summary": "Deletes a regular Resource Access Management (RAM) role.",
      "response": {
        "type": "object",
        "properties": {
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "DeleteUser": {
      "params": {
        "UserName": "The name of the RAM user.\n\nThe name must be 1 to 64 characters in length, and can contain letters, digits, periods (.), hyphens (-), and underscores (_)."
      },
      "summary": "Deletes a Resource Access Management (RAM) user.",
      "response": {
        "type": "object",
        "properties": {
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "DetachPolicyFromGroup": {
      "params": {
        "GroupName": "The name of the RAM user group.",
        "PolicyName": "The name of the policy.",
        "PolicyType": "The type of the policy. Valid values: `System` and `Custom`."
      },
      "summary": "Detaches a policy from a Resource Access Management (RAM) user group.",
      "response": {
        "type": "object",
        "properties": {
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "DetachPolicyFromRole": {
      "params": {
        "PolicyName": "The name of the policy.",
        "PolicyType": "The type of the policy. Valid values: `System` and `Custom`.",
        "RoleName": "The name of the RAM role."
      },
      "summary": "Detaches a policy from a Resource Access Management (RAM) role.",
      "response": {
        "type": "object",
        "properties": {
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "DetachPolicyFromUser": {
      "params": {
        "PolicyName": "The name of the policy.",
        "PolicyType": "The type of the policy. Valid values: `System` and `Custom`.",
        "UserName": "The name of the RAM user."
      },
      "summary": "Detaches a policy from a Resource Access Management (RAM) user.",
      "response": {
        "type": "object",
        "properties": {
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "GetGroup": {
      "params": {
        "GroupName": "The name of the RAM user group."
      },
      "summary": "Queries information about a Resource Access Management (RAM) user group.",
      "response": {
        "type": "object",
        "properties": {
          "Group": {
            "description": "The information about the RAM user group.",
            "type": "object",
            "properties": {
              "Comments": {
                "description": "The description of the RAM user group.",
                "type": "string"
              },
              "CreateDate": {
                "description": "The time when the RAM user group was created.",
                "type": "string"
              },
              "GroupId": {
                "description": "The ID of the RAM user group.",
                "type": "string"
              },
              "GroupName": {
                "description": "The name of the RAM user group.",
                "type": "string"
              },
              "UpdateDate": {
                "description": "The modification time.",
                "type": "string"
              }
            }
          },
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "GetPolicy": {
      "params": {
        "PolicyName": "The name of the policy.",
        "PolicyType": "The type of the policy. Valid values: `System` and `Custom`."
      },
      "summary": "Queries information about a policy.",
      "response": {
        "type": "object",
        "properties": {
          "DefaultPolicyVersion": {
            "description": "The information about the default policy version.",
            "type": "object",
            "properties": {
              "CreateDate": {
                "description": "The time when the default policy version was created.",
                "type": "string"
              },
              "IsDefaultVersion": {
                "description": "An attribute in the `DefaultPolicyVersion` parameter. The value of the `IsDefaultVersion` parameter is `true`.",
                "type": "boolean"
              },
              "PolicyDocument": {
                "description": "The document of the policy.",
                "type": "string"
              },
              "VersionId": {
                "description": "The ID of the default policy version.",
                "type": "string"
              }
            }
          },
          "Policy": {
            "description": "The basic information about the policy.",
            "type": "object",
            "properties": {
              "AttachmentCount": {
                "description": "The number of references to the policy.",
                "type": "number"
              },
              "CreateDate": {
                "description": "The time when the policy was created.",
                "type": "string"
              },
              "DefaultVersion": {
                "description": "The default version of the policy.",
                "type": "string"
              },
              "Description": {
                "description": "The description of the policy.",
                "type": "string"
              },
              "PolicyDocument": {
                "description": "This parameter is deprecated.",
                "type": "string"
              },
              "PolicyName": {
                "description": "The name of the policy.",
                "type": "string"
              },
              "PolicyType": {
                "description": "The type of the policy.",
                "type": "string"
              },
              "UpdateDate": {
                "description": "The time when the policy was modified.",
                "type": "string"
              }
            }
          },
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "GetPolicyVersion": {
      "params": {
        "PolicyName": "The name of the policy.",
        "PolicyType": "The type of the policy. Valid values: `System` and `Custom`.",
        "VersionId": "The ID of the policy version."
      },
      "summary": "Queries the information about a policy version.",
      "response": {
        "type": "object",
        "properties": {
          "PolicyVersion": {
            "description": "The information about the policy version.",
            "type": "object",
            "properties": {
              "CreateDate": {
                "description": "The creation time.",
                "type": "string"
              },
              "IsDefaultVersion": {
                "description": "Indicates whether the policy version is the default version.",
                "type": "boolean"
              },
              "PolicyDocument": {
                "description": "The document of the policy.",
                "type": "string"
              },
              "VersionId": {
                "description": "The ID of the policy version.",
                "type": "string"
              }
            }
          },
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "GetRole": {
      "params": {
        "RoleName": "The name of the RAM role.\n\nThe name must be 1 to 64 characters in length, and can contain letters, digits, periods (.), and hyphens (-)."
      },
      "summary": "Queries information about a Resource Access Management (RAM) role.",
      "response": {
        "type": "object",
        "properties": {
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          },
          "Role": {
            "description": "The information about the RAM role.",
            "type": "object",
            "properties": {
              "Arn": {
                "description": "The Alibaba Cloud Resource Name (ARN) of the RAM role.",
                "type": "string"
              },
              "AssumeRolePolicyDocument": {
                "description": "The policy that specifies the trusted entity to assume the RAM role.",
                "type": "string"
              },
              "CreateDate": {
                "description": "The time when the RAM role was created.",
                "type": "string"
              },
              "Description": {
                "description": "The description of the RAM role.",
                "type": "string"
              },
              "MaxSessionDuration": {
                "description": "The maximum session duration of the RAM role.",
                "type": "number"
              },
              "RoleId": {
                "description": "The ID of the RAM role.",
                "type": "string"
              },
              "RoleName": {
                "description": "The name of the RAM role.",
                "type": "string"
              },
              "UpdateDate": {
                "description": "The time when the RAM role was modified.",
                "type": "string"
              }
            }
          }
        }
      }
    },
    "GetUser": {
      "params": {
        "UserName": "The username of the RAM user.\n\nThe username must be 1 to 64 characters in length, and can contain letters, digits, periods (.), hyphens (-), and underscores (_)."
      },
      "summary": "Queries information about a Resource Access Management (RAM) user.",
      "response": {
        "type": "object",
        "properties": {
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          },
          "User": {
            "description": "The information about the RAM user.",
            "type": "object",
            "properties": {
              "Comments": {
                "description": "The description of the RAM user.",
                "type": "string"
              },
              "CreateDate": {
                "description": "The point in time when the RAM user was created. The time is displayed in UTC.",
                "type": "string"
              },
              "DisplayName": {
                "description": "The display name of the RAM user.",
                "type": "string"
              },
              "Email": {
                "description": "The email address of the RAM user.\n\n>  This parameter can be returned only on the China site (aliyun.com).",
                "type": "string"
              },
              "LastLoginDate": {
                "description": "The point in time when the RAM user last logged on to the Alibaba Cloud Management Console by using the password. The time is displayed in UTC.",
                "type": "string"
              },
              "MobilePhone": {
                "description": "The mobile phone number of the RAM user.\n\n>  This parameter can be returned only on the China site (aliyun.com).",
                "type": "string"
              },
              "UpdateDate": {
                "description": "The point in time when the information about the RAM user was last modified. The time is displayed in UTC.",
                "type": "string"
              },
              "UserId": {
                "description": "The ID of the RAM user.",
                "type": "string"
              },
              "UserName": {
                "description": "The username of the RAM user.",
                "type": "string"
              }
            }
          }
        }
      }
    },
    "ListAccessKeys": {
      "params": {
        "UserName": "The name of the RAM user. If a RAM user calls this operation and does not specify this parameter, the AccessKey pairs of the RAM user are returned."
      },
      "summary": "Queries all AccessKey pairs that belong to a Resource Access Management (RAM) user.",
      "response": {
        "type": "object",
        "properties": {
          "AccessKeys": {
            "type": "object",
            "properties": {
              "AccessKey": {
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "AccessKeyId": {
                      "type": "string"
                    },
                    "CreateDate": {
                      "type": "string"
                    },
                    "Status": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          },
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "ListEntitiesForPolicy": {
      "params": {
        "PolicyName": "The name of the policy.",
        "PolicyType": "The type of the policy. Valid values: `System` and `Custom`."
      },
      "summary": "Queries the entities to which a policy is attached.",
      "response": {
        "type": "object",
        "properties": {
          "Groups": {
            "type": "object",
            "properties": {
              "Group": {
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "AttachDate": {
                      "type": "string"
                    },
                    "Comments": {
                      "type": "string"
                    },
                    "GroupName": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          },
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          },
          "Roles": {
            "type": "object",
            "properties": {
              "Role": {
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "Arn": {
                      "type": "string"
                    },
                    "AttachDate": {
                      "type": "string"
                    },
                    "Description": {
                      "type": "string"
                    },
                    "RoleId": {
                      "type": "string"
                    },
                    "RoleName": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          },
          "Users": {
            "type": "object",
            "properties": {
              "User": {
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "AttachDate": {
                      "type": "string"
                    },
                    "DisplayName": {
                      "type": "string"
                    },
                    "UserId": {
                      "type": "string"
                    },
                    "UserName": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          }
        }
      }
    },
    "ListGroups": {
      "params": {
        "Marker": "The pagination token that is used in the next request to retrieve a new page of results. You do not need to specify this parameter for the first request.``\n\nWhen you call the operation for the first time, if the total number of returned entries exceeds the value of `MaxItems`, the entries are truncated. The system returns entries based on the value of `MaxItems` and does not return the excess entries. In this case, the value of the response parameter `IsTruncated` is `true`, and `Marker` is returned. In the next call, you can use the value of `Marker` and maintain the settings of the other request parameters to query the excess entries. You can repeat the call until the value of `IsTruncated` becomes `false`. This way, all entries are returned.",
        "MaxItems": "The number of entries per page.\n\nValid values: 1 to 100.\n\nDefault value: 100."
      },
      "summary": "Queries Resource Access Management (RAM) user groups.",
      "response": {
        "type": "object",
        "properties": {
          "Groups": {
            "type": "object",
            "properties": {
              "Group": {
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "Comments": {
                      "type": "string"
                    },
                    "CreateDate": {
                      "type": "string"
                    },
                    "GroupId": {
                      "type": "string"
                    },
                    "GroupName": {
                      "type": "string"
                    },
                    "UpdateDate": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          },
          "IsTruncated": {
            "description": "Indicates whether the response is truncated. Valid values:\n\n*   true\n*   false",
            "type": "boolean"
          },
          "Marker": {
            "description": "The pagination token that is used in the next request to retrieve a new page of results.\n\n>  This parameter is returned only when `IsTruncated` is `true`.",
            "type": "string"
          },
          "RequestId": {
            "description": "The ID of the request.",
            "type": "string"
          }
        }
      }
    },
    "ListGroupsForUser": {
      "params": {
        "UserName": "The name of the RAM user."
      },
      "summary": "Queries the Resource Access Management (RAM) user groups to which a RAM user belongs.",
      "response": {
        "type": "object",
        "properties": {
          "Groups": {
            "type": "object",
            "properties": {
              "Group": {
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "Comments": {
                      "type": "string"
                    },
                    "GroupId": {
                      "type": "string"
                    },
                    "GroupName": {
                      "type": "string"
                    },
                    "JoinDate": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          },
          "RequestId": {
            "description": "The ID of the request.",
            "type": "string"
          }
        }
      }
    },
    "ListPolicies": {
      "params": {
        "Marker": "The `marker`. If part of a previous response is truncated, you can use this parameter to obtain the truncated part.",
        "MaxItems": "The number of entries to return. If a response is truncated because it reaches the value of `MaxItems`, the value of `IsTruncated` will be `true`.\n\nValid values: 1 to 1000. Default value: 100.",
        "PolicyType": "The type of the policies. Valid values: `System` and `Custom`. If you do not specify the parameter, all policies are returned.``",
        "Tag": "The tags."
      },
      "summary": "Queries a list of policies.",
      "response": {
        "type": "object",
        "properties": {
          "IsTruncated": {
            "description": "Indicates whether the response is truncated.",
            "type": "boolean"
          },
          "Marker": {
            "description": "The marker. This parameter is returned only if the value of `IsTruncated` is `true`. If the parameter is returned, you can call this operation again and set `Marker` to obtain the truncated part.``",
            "type": "string"
          },
          "Policies": {
            "type": "object",
            "properties": {
              "Policy": {
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "AttachmentCount": {
                      "type": "number"
                    },
                    "CreateDate": {
                      "type": "string"
                    },
                    "DefaultVersion": {
                      "type": "string"
                    },
                    "Description": {
                      "type": "string"
                    },
                    "PolicyName": {
                      "type": "string"
                    },
                    "PolicyType": {
                      "type": "string"
                    },
                    "Tags": {
                      "type": "object",
                      "properties": {
                        "Tag": {
                          "type": "array",
                          "items": {
                            "type": "object",
                            "properties": {
                              "TagKey": {
                                "type": "string"
                              },
                              "TagValue": {
                                "type": "string"
                              }
                            }
                          }
                        }
                      }
                    },
                    "UpdateDate": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          },
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "ListPoliciesForGroup": {
      "params": {
        "GroupName": "The name of the RAM user group."
      },
      "summary": "Queries the policies that are attached to a Resource Access Management (RAM) user group.",
      "response": {
        "type": "object",
        "properties": {
          "Policies": {
            "type": "object",
            "properties": {
              "Policy": {
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "AttachDate": {
                      "type": "string"
                    },
                    "DefaultVersion": {
                      "type": "string"
                    },
                    "Description": {
                      "type": "string"
                    },
                    "PolicyName": {
                      "type": "string"
                    },
                    "PolicyType": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          },
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "ListPoliciesForRole": {
      "params": {
        "RoleName": "The name of the RAM role."
      },
      "summary": "Queries the policies that are attached to a Resource Access Management (RAM) role.",
      "response": {
        "type": "object",
        "properties": {
          "Policies": {
            "type": "object",
            "properties": {
              "Policy": {
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "AttachDate": {
                      "type": "string"
                    },
                    "DefaultVersion": {
                      "type": "string"
                    },
                    "Description": {
                      "type": "string"
                    },
                    "PolicyName": {
                      "type": "string"
                    },
                    "PolicyType": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          },
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "ListPoliciesForUser": {
      "params": {
        "UserName": "The name of the RAM user."
      },
      "summary": "Queries the policies that are attached to a RAM user.",
      "response": {
        "type": "object",
        "properties": {
          "Policies": {
            "type": "object",
            "properties": {
              "Policy": {
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "AttachDate": {
                      "type": "string"
                    },
                    "DefaultVersion": {
                      "type": "string"
                    },
                    "Description": {
                      "type": "string"
                    },
                    "PolicyName": {
                      "type": "string"
                    },
                    "PolicyType": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          },
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "ListPolicyVersions": {
      "params": {
        "PolicyName": "The name of the policy.",
        "PolicyType": "The type of the policy. Valid values: `System` and `Custom`."
      },
      "summary": "Queries the versions of a policy.",
      "response": {
        "type": "object",
        "properties": {
          "PolicyVersions": {
            "type": "object",
            "properties": {
              "PolicyVersion": {
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "CreateDate": {
                      "type": "string"
                    },
                    "IsDefaultVersion": {
                      "type": "boolean"
                    },
                    "PolicyDocument": {
                      "type": "string"
                    },
                    "VersionId": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          },
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "ListRoles": {
      "params": {
        "Marker": "The `marker`. If part of a previous response is truncated, you can use this parameter to obtain the truncated part.",
        "MaxItems": "The number of entries to return. If a response is truncated because it reaches the value of `MaxItems`, the value of `IsTruncated` will be `true`.\n\nValid values: 1 to 1000. Default value: 100.",
        "Tag": "The tags."
      },
      "summary": "Queries all Resource Access Management (RAM) roles.",
      "response": {
        "type": "object",
        "properties": {
          "IsTruncated": {
            "description": "Indicates whether the response is truncated.",
            "type": "boolean"
          },
          "Marker": {
            "description": "The marker. This parameter is returned only if the value of `IsTruncated` is `true`. If the parameter is returned, you can call this operation again and set this parameter to obtain the truncated part.````",
            "type": "string"
          },
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          },
          "Roles": {
            "type": "object",
            "properties": {
              "Role": {
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "Arn": {
                      "type": "string"
                    },
                    "CreateDate": {
                      "type": "string"
                    },
                    "Description": {
                      "type": "string"
                    },
                    "MaxSessionDuration": {
                      "type": "number"
                    },
                    "RoleId": {
                      "type": "string"
                    },
                    "RoleName": {
                      "type": "string"
                    },
                    "Tags": {
                      "type": "object",
                      "properties": {
                        "Tag": {
                          "type": "array",
                          "items": {
                            "type": "object",
                            "properties": {
                              "TagKey": {
                                "type": "string"
                              },
                              "TagValue": {
                                "type": "string"
                              }
                            }
                          }
                        }
                      }
                    },
                    "UpdateDate": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          }
        }
      }
    },
    "ListUsers": {
      "params": {
        "Marker": "The `marker`. If part of a previous response is truncated, you can use this parameter to obtain the truncated part.",
        "MaxItems": "The number of entries per page. If a response is truncated because it reaches the value of MaxItems, the value of `IsTruncatedg` will be `true`.\n\nValid values: 1 to 1000. Default value: 100."
      },
      "summary": "Queries the information about all RAM users.",
      "response": {
        "type": "object",
        "properties": {
          "IsTruncated": {
            "description": "Indicates whether the response is truncated.",
            "type": "boolean"
          },
          "Marker": {
            "description": "The marker. This parameter is returned only if the value of `IsTruncated` is `true`. If the parameter is returned, you can call this operation again and set `Marker` to obtain the truncated part.``",
            "type": "string"
          },
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          },
          "Users": {
            "type": "object",
            "properties": {
              "User": {
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "Comments": {
                      "type": "string"
                    },
                    "CreateDate": {
                      "type": "string"
                    },
                    "DisplayName": {
                      "type": "string"
                    },
                    "Email": {
                      "type": "string"
                    },
                    "MobilePhone": {
                      "type": "string"
                    },
                    "UpdateDate": {
                      "type": "string"
                    },
                    "UserId": {
                      "type": "string"
                    },
                    "UserName": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          }
        }
      }
    },
    "ListUsersForGroup": {
      "params": {
        "GroupName": "The name of the RAM user group.",
        "Marker": "The `marker`. If part of a previous response is truncated, you can use this parameter to obtain the truncated part.",
        "MaxItems": "The number of entries to return. If a response is truncated because it reaches the value of `MaxItems`, the value of `IsTruncated` will be `true`.\n\nValid values: 1 to 1000. Default value: 100."
      },
      "summary": "Queries Resource Access Management (RAM) users in a RAM user group.",
      "response": {
        "type": "object",
        "properties": {
          "IsTruncated": {
            "description": "Indicates whether the response is truncated.",
            "type": "boolean"
          },
          "Marker": {
            "description": "The marker. This parameter is returned only if the value of `IsTruncated` is `true`. If the parameter is returned, you can call this operation again and set this parameter to obtain the truncated part.````",
            "type": "string"
          },
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          },
          "Users": {
            "type": "object",
            "properties": {
              "User": {
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "DisplayName": {
                      "type": "string"
                    },
                    "JoinDate": {
                      "type": "string"
                    },
                    "UserName": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          }
        }
      }
    },
    "RemoveUserFromGroup": {
      "params": {
        "GroupName": "The name of the RAM user group.",
        "UserName": "The name of the RAM user."
      },
      "summary": "Removes a Resource Access Management (RAM) user from a RAM user group.",
      "response": {
        "type": "object",
        "properties": {
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "SetDefaultPolicyVersion": {
      "params": {
        "PolicyName": "The name of the policy.",
        "VersionId": "The ID of the policy version that you want to set as the default version."
      },
      "summary": "Specifies a version for a policy as the default version.",
      "response": {
        "type": "object",
        "properties": {
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "UpdateAccessKey": {
      "params": {
        "Status": "The status of the AccessKey pair. Valid values: `Active` and `Inactive`.",
        "UserAccessKeyId": "The AccessKey ID in the AccessKey pair whose status you want to change.``",
        "UserName": "The name of the RAM user."
      },
      "summary": "Changes the status of an AccessKey pair that belongs to a Resource Access Management (RAM) user.",
      "response": {
        "type": "object",
        "properties": {
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "UpdateGroup": {
      "params": {
        "GroupName": "The name of the RAM user group.",
        "NewComments": "The new description of the RAM user group.\n\nThe new description must be 1 to 128 characters in length.",
        "NewGroupName": "The new name of the RAM user group.\n\nThe name must be 1 to 64 characters in length and can contain letters, digits, periods (.), hyphens (-), and underscores (_)."
      },
      "summary": "Modifies a Resource Access Management (RAM) user group.",
      "response": {
        "type": "object",
        "properties": {
          "Group": {
            "description": "The information about the RAM user group.",
            "type": "object",
            "properties": {
              "Comments": {
                "description": "The description.",
                "type": "string"
              },
              "CreateDate": {
                "description": "The creation time.",
                "type": "string"
              },
              "GroupId": {
                "description": "The ID of the RAM user group.",
                "type": "string"
              },
              "GroupName": {
                "description": "The name of the RAM user group.",
                "type": "string"
              },
              "UpdateDate": {
                "description": "The modification time.",
                "type": "string"
              }
            }
          },
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          }
        }
      }
    },
    "UpdateRole": {
      "params": {
        "NewAssumeRolePolicyDocument": "The trust policy that specifies the trusted entity to assume the RAM role.",
        "NewDescription": "The new description of the RAM role.\n\nThe description must be 1 to 1,024 characters in length.",
        "NewMaxSessionDuration": "The maximum session time of the RAM role.\n\nValid values: 3600 to 43200. Unit: seconds. Default value: 3600.\n\nIf you do not specify this parameter, the default value is used.",
        "RoleName": "The name of the RAM role.\n\nThe name must be 1 to 64 characters in length, and can contain letters, digits, periods (.), and hyphens (-)."
      },
      "summary": "Modifies information about a Resource Access Management (RAM) role.",
      "response": {
        "type": "object",
        "properties": {
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          },
          "Role": {
            "description": "The information about the RAM role.",
            "type": "object",
            "properties": {
              "Arn": {
                "description": "The Alibaba Cloud Resource Name (ARN) of the RAM role.",
                "type": "string"
              },
              "AssumeRolePolicyDocument": {
                "description": "The trust policy that specifies the trusted entity to assume the RAM role.",
                "type": "string"
              },
              "CreateDate": {
                "description": "The time when the RAM role was created.",
                "type": "string"
              },
              "Description": {
                "description": "The description of the RAM role.",
                "type": "string"
              },
              "MaxSessionDuration": {
                "description": "The maximum session time of the RAM role.",
                "type": "number"
              },
              "RoleId": {
                "description": "The ID of the RAM role.",
                "type": "string"
              },
              "RoleName": {
                "description": "The name of the RAM role.",
                "type": "string"
              },
              "UpdateDate": {
                "description": "The time when the description of the RAM role was changed.",
                "type": "string"
              }
            }
          }
        }
      }
    },
    "UpdateUser": {
      "params": {
        "NewComments": "The new description of the RAM user.\n\nThe description must be 1 to 128 characters in length.",
        "NewDisplayName": "The new display name of the RAM user.\n\nThe name must be 1 to 128 characters in length.",
        "NewEmail": "The new email address of the RAM user.\n\n>  This parameter applies only to the China site (aliyun.com).",
        "NewMobilePhone": "The new mobile phone number of the RAM user.\n\nFormat: \\\\<Country code>-\\\\<Mobile phone number>.\n\n>  This parameter applies only to the China site (aliyun.com).",
        "NewUserName": "The new username of the RAM user.\n\nThe username must be 1 to 64 characters in length, and can contain letters, digits, periods (.), hyphens (-), and underscores (_).",
        "UserName": "The username of the RAM user."
      },
      "summary": "Modifies information about a Resource Access Management (RAM) user.",
      "response": {
        "type": "object",
        "properties": {
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          },
          "User": {
            "description": "The information about the RAM user.",
            "type": "object",
            "properties": {
              "Comments": {
                "description": "The description of the RAM user.",
                "type": "string"
              },
              "CreateDate": {
                "description": "The point in time when the RAM user was created. The time is displayed in UTC.",
                "type": "string"
              },
              "DisplayName": {
                "description": "The display name of the RAM user.",
                "type": "string"
              },
              "Email": {
                "description": "The email address of the RAM user.\n\n>  This parameter can be returned only on the China site (aliyun.com).",
                "type": "string"
              },
              "MobilePhone": {
                "description": "The mobile phone number of the RAM user.\n\n>  This parameter can be returned only on the China site (aliyun.com).",
                "type": "string"
              },
              "UpdateDate": {
                "description": "The point in time when the information about the RAM user was last modified. The time is displayed in UTC.",
                "type": "string"
              },
              "UserId": {
                "description": "The ID of the RAM user.",
                "type": "string"
              },
              "UserName": {
                "description": "The username of the RAM user.",
                "type": "string"
              }
            }
          }
        }
      }
    }
  },
  "sts": {
    "AssumeRole": {
      "params": {
        "DurationSeconds": "The validity period of the STS token. Unit: seconds.\n\nMinimum value: 900. Maximum value: the value of the `MaxSessionDuration` parameter. Default value: 3600.\n\nYou can call the CreateRole or UpdateRole operation to configure the `MaxSessionDuration` parameter. For more information, see [CreateRole](https://help.aliyun.com/document_detail/28710.html) or [UpdateRole](https://help.aliyun.com/document_detail/28712.html).",
        "ExternalId": "The external ID of the RAM role.\n\nThis parameter is provided by an external party and is used to prevent the confused deputy problem. For more information, see [Use ExternalId to prevent the confused deputy problem](https://help.aliyun.com/document_detail/2361741.html).\n\nThe value must be 2 to 1,224 characters in length and can contain letters, digits, and the following special characters: `= , . @ : / - _`. The regular expression for this parameter is `[\\\\w+=,.@:\\\\/-]*`.",
        "Policy": "The policy that specifies the permissions of the returned STS token. You can use this parameter to grant the STS token fewer permissions than the permissions granted to the RAM role.\n\n*   If you specify this parameter, the permissions of the returned STS token are the permissions that are included in the value of this parameter and owned by the RAM role.\n*   If you do not specify this parameter, the returned STS token has all the permissions of the RAM role.\n\nThe value must be 1 to 2,048 characters in length.\n\nFor more information about policy elements and sample policies, see [Policy elements](https://help.aliyun.com/document_detail/93738.html) and [Overview of sample policies](https://help.aliyun.com/document_detail/210969.html).",
        "RoleArn": "The Alibaba Cloud Resource Name (ARN) of the RAM role.\n\nThe trusted entity of the RAM role is an Alibaba Cloud account. For more information, see [Create a RAM role for a trusted Alibaba Cloud account](https://help.aliyun.com/document_detail/93691.html) or [CreateRole](https://help.aliyun.com/document_detail/28710.html).\n\nFormat: `acs:ram::<account_id>:role/<role_name>`.\n\nYou can view the ARN in the RAM console or by calling operations. The following items describe the validity periods of storage addresses:\n\n*   For more information about how to view the ARN in the RAM console, see [How do I find the ARN of the RAM role?](https://help.aliyun.com/document_detail/39744.html)\n*   For more information about how to view the ARN by calling operations, see [ListRoles](https://help.aliyun.com/document_detail/28713.html) or [GetRole](https://help.aliyun.com/document_detail/28711.html).\n\nThis parameter is required.",
        "RoleSessionName": "The custom name of the role session.\n\nSet this parameter based on your business requirements. In most cases, you can set this parameter to the identity of the API caller. For example, you can specify a username. You can specify `RoleSessionName` to identify API callers that assume the same RAM role in ActionTrail logs. This allows you to track the users that perform the operations.\n\nThe value must be 2 to 64 characters in length and can contain letters, digits, and the following special characters: `. @ - _`.\n\nThis parameter is required."
      },
      "summary": "Obtains a Security Token Service (STS) token to assume a Resource Access Management (RAM) role.",
      "response": {
        "type": "object",
        "properties": {
          "AssumedRoleUser": {
            "description": "The temporary identity that you use to assume the RAM role.",
            "type": "object",
            "properties": {
              "Arn": {
                "description": "The ARN of the temporary identity that you use to assume the RAM role.",
                "type": "string"
              },
              "AssumedRoleId": {
                "description": "The ID of the temporary identity that you use to assume the RAM role.",
                "type": "string"
              }
            }
          },
          "Credentials": {
            "description": "The STS credentials.",
            "type": "object",
            "properties": {
              "AccessKeyId": {
                "description": "The AccessKey ID.",
                "type": "string"
              },
              "AccessKeySecret": {
                "description": "The AccessKey secret.",
                "type": "string"
              },
              "Expiration": {
                "description": "The time when the STS token expires. The time is displayed in UTC.",
                "type": "string"
              },
              "SecurityToken": {
                "description": "The STS token.\n\n> Alibaba Cloud STS does not impose limits on the length of STS tokens. We strongly recommend that you do not specify a maximum length for STS tokens.",
                "type": "string"
              }
            }
          },
          "RequestId": {
            "description": "The ID of the request.",
            "type": "string"
          },
          "SourceIdentity": {
            "type": "string"
          }
        }
      }
    },
    "GetCallerIdentity": {
      "params": {},
      "summary": "The ID of the Alibaba Cloud account to which the current requester belongs.",
      "response": {
        "type": "object",
        "properties": {
          "AccountId": {
            "type": "string"
          },
          "Arn": {
            "type": "string"
          },
          "IdentityType": {
            "type": "string"
          },
          "PrincipalId": {
            "type": "string"
          },
          "RequestId": {
            "type": "string"
          },
          "RoleId": {
            "type": "string"
          },
          "UserId": {
            "type": "string"
          }
        }
      }
    }
  },
  "bss": {
    "GetOrderDetail": {
      "params": {
        "OrderId": "The order ID.\n\nThis parameter is required."
      },
      "summary": "Queries the details of an order that belongs to your Alibaba Cloud account or distributors.",
      "response": {
        "type": "object",
        "properties": {
          "Code": {
            "description": "The response code.",
            "type": "string"
          },
          "Data": {
            "description": "The returned data.",
            "type": "object",
            "properties": {
              "HostName": {
                "description": "The hostname.",
                "type": "string"
              },
              "OrderList": {
                "description": "The orders returned.",
                "type": "object",
                "properties": {
                  "Order": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "properties": {
                        "AfterTaxAmount": {
                          "description": "The aftertaxt amount of the order.",
                          "type": "string"
                        },
                        "BillModuleConfig": {
                          "description": "The billing information about the configurations.",
                          "type": "object",
                          "properties": {
                            "billModuleConfig": {
                              "type": "array",
                              "items": {
                                "type": "object",
                                "properties": {
                                  "ApiCode": {
                                    "description": "The API code of the configuration item.",
                                    "type": "string"
                                  },
                                  "BillModuleProperties": {
                                    "description": "The attributes of the configured item.",
                                    "type": "object",
                                    "properties": {
                                      "billModuleProperties": {
                                        "type": "array",
                                        "items": {
                                          "type": "object"
                                        }
                                      }
                                    }
                                  },
                                  "Code": {
                                    "description": "The code of the configuration item.",
                                    "type": "string"
                                  },
                                  "Name": {
                                    "description": "The name of the configuration item.",
                                    "type": "string"
                                  }
                                }
                              }
                            }
                          }
                        },
                        "CommodityCode": {
                          "description": "The commodity code.",
                          "type": "string"
                        },
                        "Config": {
                          "description": "The configurations of the main service.",
                          "type": "string"
                        },
                        "CreateTime": {
                          "description": "The time when the order was created.",
                          "type": "string"
                        },
                        "Currency": {
                          "description": "The currency. Valid values: CNY, USD, and JPY.",
                          "type": "string"
                        },
                        "ExtendInfos": {
                          "description": "The additional information about the order.",
                          "type": "object",
                          "additionalProperties": {
                            "type": "string"
                          }
                        },
                        "InstanceIDs": {
                          "description": "The instance IDs.",
                          "type": "string"
                        },
                        "Operator": {
                          "description": "The ID of the Resource Access Management (RAM) user that performs operations on the order. If no RAM user is involved, this parameter is empty.",
                          "type": "string"
                        },
                        "OrderId": {
                          "description": "The order ID.",
                          "type": "string"
                        },
                        "OrderSubType": {
                          "description": "The type of the suborder. A value of productsuborder indicates service suborder. A value of refundsuborder indicates refund suborder.",
                          "type": "string"
                        },
                        "OrderType": {
                          "description": "The type of the order. Valid values: new, renew, upgrade, and refund.",
                          "type": "string"
                        },
                        "OriginalConfig": {
                          "description": "The configuration information that is not formatted.",
                          "type": "string"
                        },
                        "OriginalModuleConfig": {
                          "description": "The information about the configurations.",
                          "type": "object",
                          "properties": {
                            "originalModuleConfig": {
                              "type": "array",
                              "items": {
                                "type": "object",
                                "properties": {
                                  "Code": {
                                    "description": "The code of the configuration item.",
                                    "type": "string"
                                  },
                                  "ModuleProperties": {
                                    "description": "The attributes of the configured item.",
                                    "type": "object",
                                    "properties": {
                                      "moduleProperties": {
                                        "type": "array",
                                        "items": {
                                          "type": "object"
                                        }
                                      }
                                    }
                                  },
                                  "Name": {
                                    "description": "The name of the configuration item.",
                                    "type": "string"
                                  }
                                }
                              }
                            }
                          }
                        },
                        "PaymentCurrency": {
                          "description": "The currency used for payment. Valid values: CNY, USD, and JPY.",
                          "type": "string"
                        },
                        "PaymentStatus": {
                          "description": "The payment state. Valid values: unpaid, paid, and canceled.",
                          "type": "string"
                        },
                        "PaymentTime": {
                          "description": "The time of payment.",
                          "type": "string"
                        },
                        "PretaxAmount": {
                          "description": "The pretax amount of the order.",
                          "type": "string"
                        },
                        "PretaxAmountLocal": {
                          "description": "The pretax amount of the order in local currency.",
                          "type": "string"
                        },
                        "PretaxGrossAmount": {
                          "description": "The pretax gross amount of the order.",
                          "type": "string"
                        },
                        "ProductCode": {
                          "description": "The code of the main service.",
                          "type": "string"
                        },
                        "ProductType": {
                          "description": "The type of the main service.",
                          "type": "string"
                        },
                        "Quantity": {
                          "description": "The number of main services.",
                          "type": "string"
                        },
                        "Region": {
                          "description": "The region ID.",
                          "type": "string"
                        },
                        "RelatedOrderId": {
                          "description": "The ID of the associated order.",
                          "type": "string"
                        },
                        "SubOrderId": {
                          "description": "The ID of the suborder.",
                          "type": "string"
                        },
                        "SubscriptionType": {
                          "description": "The billing method. Valid values: Subscription and PayAsYouGo.",
                          "type": "string"
                        },
                        "Tax": {
                          "description": "The tax of the order.",
                          "type": "string"
                        },
                        "UsageEndTime": {
                          "description": "The time when the service ends.",
                          "type": "string"
                        },
                        "UsageStartTime": {
                          "description": "The time when the service starts.",
                          "type": "string"
                        }
                      }
                    }
                  }
                }
              },
              "PageNum": {
                "description": "The page number.",
                "type": "number"
              },
              "PageSize": {
                "description": "The number of entries per page.",
                "type": "number"
              },
              "TotalCount": {
                "description": "The total number of entries returned.",
                "type": "number"
              }
            }
          },
          "Message": {
            "description": "The error message.",
            "type": "string"
          },
          "RequestId": {
            "description": "The request ID.",
            "type": "string"
          },
          "Success": {
            "description": "Indicates whether the request was successful.",
            "type": "boolean"
          }
        }
      }
    },
    "QueryAccountBalance": {
      "params": {},
      "summary": "Queries the balance of your account.",
      "response": {
        "type": "object",
        "properties": {
          "Code": {
            "description": "The status code returned.",
            "type": "string"
          },
          "Data": {
            "description": "The data returned.",
            "type": "object",
            "properties": {
              "AvailableAmount": {
                "description": "The available balance of the account.",
                "type": "string"
              },
              "AvailableCashAmount": {
                "description": "The available balance in cash.",
                "type": "string"
              },
              "CreditAmount": {
                "description": "The credit balance of the account.",
                "type": "string"
              },
              "Currency": {
                "description": "The type of the currency. Valid values:\n\n*   CNY: Chinese Yuan\n*   USD: US dollar\n*   JPY: Japanese Yen",
                "type": "string"
              },
              "MybankCreditAmount": {
                "description": "The credit line controlled by MYbank.",
                "type": "string"
              },
              "QuotaLimit": {
                "description": "The quota limit for eco customers.",
                "type": "string"
              }
            }
          },
          "Message": {
            "description": "The message returned.",
            "type": "string"
          },
          "RequestId": {
            "description": "The ID of the request.",
            "type": "string"
          },
          "Success": {
            "description": "Indicates whether the request is successful.",
            "type": "boolean"
          }
        }
      }
    },
    "QueryBill": {
      "params": {
        "BillOwnerId": "The ID of the member.",
        "BillingCycle": "The billing cycle, in the YYYY-MM format.\n\nThis parameter is required.",
        "IsDisplayLocalCurrency": "Specifies whether to display local currency information in bills. The parameter will be discontinued.",
        "IsHideZeroCharge": "Specifies whether to filter out a bill whose pretax gross amount is 0. By default, a bill whose pretax gross amount is 0 is not filtered out. Valid values:\n\n*   true: filters out a bill whose pretax gross amount is 0.\n*   false: does not filter out a bill whose pretax gross amount is 0.",
        "PageNum": "The number of the page to return. Default value: 1.",
        "PageSize": "The number of entries to return on each page. Default value: 20. Maximum value: 300.",
        "ProductCode": "The code of the service.",
        "ProductType": "The type of the service.",
        "SubscriptionType": "The billing method. Valid values:\n\n*   Subscription\n*   PayAsYouGo\n\nThis parameter must be used together with the ProductCode parameter.",
        "Type": "The type of the bill. Valid values:\n\n*   SubscriptionOrder\n*   PayAsYouGoBill\n*   Refund\n*   Adjustment"
      },
      "summary": "Queries the bills in a billing cycle.",
      "response": {
        "type": "object",
        "properties": {
          "Code": {
            "description": "The status code returned.",
            "type": "string"
          },
          "Data": {
            "description": "The returned data.",
            "type": "object",
            "properties": {
              "AccountID": {
                "description": "The ID of the account.",
                "type": "string"
              },
              "AccountName": {
                "description": "The name of the account.",
                "type": "string"
              },
              "BillingCycle": {
                "description": "The billing cycle, in the YYYY-MM format.",
                "type": "string"
              },
              "Items": {
                "description": "The details of the bills.",
                "type": "object",
                "properties": {
                  "Item": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "properties": {
                        "AdjustAmount": {
                          "description": "The amount deducted by using credit refunds.",
                          "type": "number"
                        },
                        "AfterTaxAmount": {
                          "description": "The amount paid after tax is deducted.",
                          "type": "number"
                        },
                        "CashAmount": {
                          "description": "The amount paid in cash. The amount that was deducted by using credit refunds is not included.",
                          "type": "number"
                        },
                        "CommodityCode": {
                          "description": "The code of the commodity.",
                          "type": "string"
                        },
                        "Currency": {
                          "description": "The type of the currency.\n\n*   CNY\n*   USD\n*   JPY",
                          "type": "string"
                        },
                        "DeductedByCashCoupons": {
                          "description": "The amount deducted by using vouchers.",
                          "type": "number"
                        },
                        "DeductedByCoupons": {
                          "description": "The amount deducted by using coupons.",
                          "type": "number"
                        },
                        "DeductedByPrepaidCard": {
                          "description": "The amount deducted by using prepaid cards.",
                          "type": "number"
                        },
                        "InvoiceDiscount": {
                          "description": "The discount amount.",
                          "type": "number"
                        },
                        "Item": {
                          "description": "The type of the bill.\n\n*   SubscriptionOrder\n*   PayAsYouGoBill\n*   Refund\n*   Adjustment",
                          "type": "string"
                        },
                        "OutstandingAmount": {
                          "description": "The unsettled amount of the bill.",
                          "type": "number"
                        },
                        "OwnerID": {
                          "description": "The ID of the member. This parameter is returned in a multi-account payment scenario.",
                          "type": "string"
                        },
                        "PaymentAmount": {
                          "description": "The amount paid with cash.",
                          "type": "number"
                        },
                        "PaymentCurrency": {
                          "description": "The currency used for payment.",
                          "type": "string"
                        },
                        "PaymentTime": {
                          "description": "The time when the order was paid.",
                          "type": "string"
                        },
                        "PaymentTransactionID": {
                          "description": "The ID of the transaction.",
                          "type": "string"
                        },
                        "PipCode": {
                          "description": "The code of the service.",
                          "type": "string"
                        },
                        "PretaxAmount": {
                          "description": "The pretax amount",
                          "type": "number"
                        },
                        "PretaxAmountLocal": {
                          "description": "The pretax amount paid in local currency.",
                          "type": "number"
                        },
                        "PretaxGrossAmount": {
                          "description": "The pretax gross amount.",
                          "type": "number"
                        },
                        "ProductCode": {
                          "description": "The code of the service.",
                          "type": "string"
                        },
                        "ProductDetail": {
                          "description": "The details of the service.",
                          "type": "string"
                        },
                        "ProductName": {
                          "description": "The name of the service.",
                          "type": "string"
                        },
                        "ProductType": {
                          "description": "The type of the service.",
                          "type": "string"
                        },
                        "RecordID": {
                          "description": "The ID of the order or bill.",
                          "type": "string"
                        },
                        "RoundDownDiscount": {
                          "description": "The round down discount.",
                          "type": "string"
                        },
                        "Status": {
                          "description": "The payment status of the bill. Valid values:\n\n*   PayFinish: The bill is paid.\n*   PayUnclear: The bill is not cleared.\n*   PayUnsettle: The bill is not settled.\n*   NoSettle: The bill is free of settlement.",
                          "type": "string"
                        },
                        "SubOrderId": {
                          "description": "The ID of the order corresponding to the bill.",
                          "type": "string"
                        },
                        "SubscriptionType": {
                          "description": "The billing method. Valid values:\n\n*   Subscription\n*   PayAsYouGo",
                          "type": "string"
                        },
                        "Tax": {
                          "description": "The tax.",
                          "type": "number"
                        },
                        "UsageEndTime": {
                          "description": "The time when the bill ends.",
                          "type": "string"
                        },
                        "UsageStartTime": {
                          "description": "The time when the bill starts.",
                          "type": "string"
                        }
                      }
                    }
                  }
                }
              },
              "PageNum": {
                "description": "The page number of the returned page.",
                "type": "number"
              },
              "PageSize": {
                "description": "The number of entries returned per page.",
                "type": "number"
              },
              "TotalCount": {
                "description": "The total number of returned entries.",
                "type": "number"
              }
            }
          },
          "Message": {
            "description": "The message returned.",
            "type": "string"
          },
          "RequestId": {
            "description": "The ID of the request.",
            "type": "string"
          },
          "Success": {
            "description": "Indicates whether the request is successful.",
            "type": "boolean"
          }
        }
      }
    },
    "QueryBillOverview": {
      "params": {
        "BillOwnerId": "The ID of the member. If you specify a value for this parameter, you can query the bills of the specified member. If you leave this parameter empty, the bills of the current account are queried by default.",
        "BillingCycle": "The billing cycle, in the YYYY-MM format.\n\nThis parameter is required.",
        "ProductCode": "The code of the service.",
        "ProductType": "The type of the service.",
        "SubscriptionType": "The billing method. Valid values:\n\n*   Subscription: the subscription billing method\n*   PayAsYouGo: the pay-as-you-go billing method"
      },
      "summary": "Queries the bill overview information in a billing cycle.",
      "response": {
        "type": "object",
        "properties": {
          "Code": {
            "description": "The status code returned.",
            "type": "string"
          },
          "Data": {
            "description": "The data returned.",
            "type": "object",
            "properties": {
              "AccountID": {
                "description": "The ID of the account.",
                "type": "string"
              },
              "AccountName": {
                "description": "The name of the account.",
                "type": "string"
              },
              "BillingCycle": {
                "description": "The billing cycle, in the YYYY-MM format.",
                "type": "string"
              },
              "Items": {
                "description": "The details of the bills.",
                "type": "object",
                "properties": {
                  "Item": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "properties": {
                        "AdjustAmount": {
                          "description": "The amount deducted by using credit refunds.",
                          "type": "number"
                        },
                        "AfterTaxAmount": {
                          "description": "The amount paid after the tax is deducted.",
                          "type": "number"
                        },
                        "BillAccountID": {
                          "description": "The ID of the account to which the bill belongs.",
                          "type": "string"
                        },
                        "BillAccountName": {
                          "description": "The name of the account to which the bill belongs.",
                          "type": "string"
                        },
                        "BizType": {
                          "description": "The business type.",
                          "type": "string"
                        },
                        "CashAmount": {
                          "description": "The amount paid in cash. The amount that was deducted by using credit refunds is not included.",
                          "type": "number"
                        },
                        "CommodityCode": {
                          "description": "The code of the commodity. The commodity code is the same as that displayed in User Center.",
                          "type": "string"
                        },
                        "Currency": {
                          "description": "The type of the currency. Valid values:\n\n*   CNY\n*   USD\n*   JPY",
                          "type": "string"
                        },
                        "DeductedByCashCoupons": {
                          "description": "The amount deducted by using vouchers.",
                          "type": "number"
                        },
                        "DeductedByCoupons": {
                          "description": "The amount deducted by using coupons.",
                          "type": "number"
                        },
                        "DeductedByPrepaidCard": {
                          "description": "The amount deducted by using prepaid cards.",
                          "type": "number"
                        },
                        "InvoiceDiscount": {
                          "description": "The discount amount.",
                          "type": "number"
                        },
                        "Item": {
                          "description": "The type of the bill. Valid values:\n\n*   SubscriptionOrder\n*   PayAsYouGoBill\n*   Refund\n*   Adjustment",
                          "type": "string"
                        },
                        "OutstandingAmount": {
                          "description": "The unsettled amount or the amount deducted by using credits. This may be an unsettled amount of a regular user or credits consumed by a credit user.",
                          "type": "number"
                        },
                        "OwnerID": {
                          "description": "The ID of the bill owner.",
                          "type": "string"
                        },
                        "PaymentAmount": {
                          "description": "The amount paid in cash. The amount that was deducted by using credit refunds is included.",
                          "type": "number"
                        },
                        "PaymentCurrency": {
                          "description": "The currency used for payment.",
                          "type": "string"
                        },
                        "PipCode": {
                          "description": "The code of the service. The service code is the same as that displayed in User Center.",
                          "type": "string"
                        },
                        "PretaxAmount": {
                          "description": "The pretax amount.",
                          "type": "number"
                        },
                        "PretaxAmountLocal": {
                          "description": "The pretax amount paid in local currency.",
                          "type": "number"
                        },
                        "PretaxGrossAmount": {
                          "description": "The pretax gross amount.",
                          "type": "number"
                        },
                        "ProductCode": {
                          "description": "The code of the service.",
                          "type": "string"
                        },
                        "ProductDetail": {
                          "description": "The details of the service.",
                          "type": "string"
                        },
                        "ProductName": {
                          "description": "The name of the service.",
                          "type": "string"
                        },
                        "ProductType": {
                          "description": "The type of the service.",
                          "type": "string"
                        },
                        "RoundDownDiscount": {
                          "description": "The round down discount.",
                          "type": "string"
                        },
                        "SubscriptionType": {
                          "description": "The billing method. Valid values:\n\n*   Subscription: the subscription billing method\n*   PayAsYouGo: the pay-as-you-go billing method",
                          "type": "string"
                        },
                        "Tax": {
                          "description": "The tax.",
                          "type": "number"
                        }
                      }
                    }
                  }
                }
              }
            }
          },
          "Message": {
            "description": "The message returned.",
            "type": "string"
          },
          "RequestId": {
            "description": "The ID of the request.",
            "type": "string"
          },
          "Success": {
            "description": "Indicates whether the request is successful.",
            "type": "boolean"
          }
        }
      }
    },
    "QueryInstanceBill": {
      "params": {
        "BillOwnerId": "The ID of the member. If you specify a value for this parameter, you can query the bills of the specified member. If you leave this parameter empty, the bills of the current account are queried by default.",
        "BillingCycle": "The billing cycle. Format: YYYY-MM.\n\nThis parameter is required.",
        "BillingDate": "The billing date. This parameter is required only if the **Granularity** parameter is set to DAILY. Format: YYYY-MM-DD.",
        "Granularity": "The granularity at which bills are queried. Valid values:\n\n*   MONTHLY: queries bills by month. The data queried is consistent with the data that is displayed for the specified billing cycle on the Billing Details tab of the Bill Details page in User Center.\n*   DAILY: queries bills by day. The data queried is consistent with the data that is displayed for the specified day on the Billing Details tab of the Bill Details page in User Center.\n\nYou must set the **BillingDate** parameter before you can set the Granularity parameter to DAILY.",
        "IsBillingItem": "Specifies whether to query data by billable item. Valid values:\n\n*   false: does not query data by billable item. The data queried is consistent with the data that is displayed for the specified instance on the Billing Details tab of the Bill Details page in User Center.\n*   true: queries data by billable item. The data queried is consistent with the data that is displayed for the specified billable item on the Billing Details tab of the Bill Details page in User Center.\n\nDefault value: false.",
        "IsHideZeroCharge": "Specifies whether to filter out a bill whose pretax gross amount and pretax amount are 0. Default value: false.******** Valid values:\n\n*   false: does not filter the bill.\n*   true: filters the bill.",
        "PageNum": "The number of the page to return. Default value: 1.",
        "PageSize": "The number of entries to return on each page. Default value: 20. Maximum value: 300.",
        "ProductCode": "The code of the service.",
        "ProductType": "The type of the service. This parameter is required if the ProductCode parameter is set to the service code of Alibaba Cloud Marketplace.",
        "SubscriptionType": "The billing method. Valid values:\n\n*   Subscription: the subscription billing method\n*   PayAsYouGo: the pay-as-you-go billing method\n\n**\n\n****This parameter must be used together with the **ProductCode** parameter."
      },
      "summary": "Queries the bills of instances or billable items in a billing cycle.",
      "response": {
        "type": "object",
        "properties": {
          "Code": {
            "description": "The status code returned.",
            "type": "string"
          },
          "Data": {
            "description": "The data returned.",
            "type": "object",
            "properties": {
              "AccountID": {
                "description": "The ID of the account.",
                "type": "string"
              },
              "AccountName": {
                "description": "The name of the account.",
                "type": "string"
              },
              "BillingCycle": {
                "description": "The billing cycle in the YYYY-MM format.",
                "type": "string"
              },
              "Items": {
                "description": "The details of the bill.",
                "type": "object",
                "properties": {
                  "Item": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "properties": {
                        "AdjustAmount": {
                          "description": "The amount deducted by using credit refunds.",
                          "type": "number"
                        },
                        "BillingDate": {
                          "description": "The billing date. This parameter is returned only if the Granularity parameter is set to DAILY. Format: YYYY-MM-DD.",
                          "type": "string"
                        },
                        "BillingItem": {
                          "description": "The billable item. This parameter is returned only if the IsBillingItem parameter is set to true.",
                          "type": "string"
                        },
                        "BillingType": {
                          "description": "The billing type.",
                          "type": "string"
                        },
                        "CashAmount": {
                          "description": "The amount paid in cash. The amount that was deducted by using credit refunds is not included.",
                          "type": "number"
                        },
                        "CommodityCode": {
                          "description": "The code of the commodity. The commodity code is the same as that displayed in User Center.",
                          "type": "string"
                        },
                        "CostUnit": {
                          "description": "The cost center.",
                          "type": "string"
                        },
                        "Currency": {
                          "description": "The type of the currency. Valid values:\n\n*   CNY\n*   USD\n*   JPY",
                          "type": "string"
                        },
                        "DeductedByCashCoupons": {
                          "description": "The amount deducted by using vouchers.",
                          "type": "number"
                        },
                        "DeductedByCoupons": {
                          "description": "The amount deducted by using coupons.",
                          "type": "number"
                        },
                        "DeductedByPrepaidCard": {
                          "description": "The amount deducted by using prepaid cards.",
                          "type": "number"
                        },
                        "DeductedByResourcePackage": {
                          "description": "The amount deducted by using resource plans.",
                          "type": "string"
                        },
                        "InstanceConfig": {
                          "description": "The configurations of the instance.",
                          "type": "string"
                        },
                        "InstanceID": {
                          "description": "The ID of the instance.",
                          "type": "string"
                        },
                        "InstanceSpec": {
                          "description": "The instance type of the instance.",
                          "type": "string"
                        },
                        "InternetIP": {
                          "description": "The public IP address.",
                          "type": "string"
                        },
                        "IntranetIP": {
                          "description": "The private IP address.",
                          "type": "string"
                        },
                        "InvoiceDiscount": {
                          "description": "The discount amount.",
                          "type": "number"
                        },
                        "Item": {
                          "description": "The type of the bill.\n\n*   SubscriptionOrder: subscription order\n*   PayAsYouGoBill: pay-as-you-go bill\n*   Refund: refund\n*   Adjustment: reconciliation",
                          "type": "string"
                        },
                        "ListPrice": {
                          "description": "The unit price. This parameter is returned only if the isBillingItem parameter is set to true.",
                          "type": "string"
                        },
                        "ListPriceUnit": {
                          "description": "The unit of the unit price. This parameter is returned only if the isBillingItem parameter is set to true.",
                          "type": "string"
                        },
                        "NickName": {
                          "description": "The name of the instance.",
                          "type": "string"
                        },
                        "OutstandingAmount": {
                          "description": "The unsettled amount.",
                          "type": "number"
                        },
                        "OwnerID": {
                          "description": "The ID of the member account. This parameter is returned in a multi-account payment scenario.",
                          "type": "string"
                        },
                        "PaymentAmount": {
                          "description": "The amount paid in cash.",
                          "type": "number"
                        },
                        "PipCode": {
                          "description": "The code of the service. The service code is the same as that displayed in User Center.",
                          "type": "string"
                        },
                        "PretaxAmount": {
                          "description": "The pretax amount.",
                          "type": "number"
                        },
                        "PretaxGrossAmount": {
                          "description": "The pretax gross amount.",
                          "type": "number"
                        },
                        "ProductCode": {
                          "description": "The code of the service.",
                          "type": "string"
                        },
                        "ProductDetail": {
                          "description": "The details of the service.",
                          "type": "string"
                        },
                        "ProductName": {
                          "description": "The name of the service.",
                          "type": "string"
                        },
                        "ProductType": {
                          "description": "The type of the service.",
                          "type": "string"
                        },
                        "Region": {
                          "description": "The region.",
                          "type": "string"
                        },
                        "ResourceGroup": {
                          "description": "The resource group.",
                          "type": "string"
                        },
                        "ServicePeriod": {
                          "description": "The validity period.",
                          "type": "string"
                        },
                        "ServicePeriodUnit": {
                          "description": "The unit of the validity period.",
                          "type": "string"
                        },
                        "SubscriptionType": {
                          "description": "The billing method. Valid values:\n\n*   Subscription: the subscription billing method\n*   PayAsYouGo: the pay-as-you-go billing method\n\n**\n\n****This parameter is returned together with the ProductCode parameter.",
                          "type": "string"
                        },
                        "Tag": {
                          "description": "The tag.",
                          "type": "string"
                        },
                        "Usage": {
                          "description": "The usage of the billable item. This parameter is returned only if the isBillingItem parameter is set to true.",
                          "type": "string"
                        },
                        "UsageUnit": {
                          "description": "The unit of usage. This parameter is returned only if the isBillingItem parameter is set to true.",
                          "type": "string"
                        },
                        "Zone": {
                          "description": "The ID of the zone.",
                          "type": "string"
                        }
                      }
                    }
                  }
                }
              },
              "PageNum": {
                "description": "The page number of the returned page.",
                "type": "number"
              },
              "PageSize": {
                "description": "The number of entries returned per page.",
                "type": "number"
              },
              "TotalCount": {
                "description": "The total number of returned entries.",
                "type": "number"
              }
            }
          },
          "Message": {
            "description": "The message returned.",
            "type": "string"
          },
          "RequestId": {
            "description": "The ID of the request.",
            "type": "string"
          },
          "Success": {
            "description": "Indicates whether the request is successful.",
            "type": "boolean"
          }
        }
      }
    },
    "QueryOrders": {
      "params": {
        "CreateTimeEnd": "The end time of the period during which the orders were created. By default, orders within the last hour are queried. Specify the time in the ISO 8601 standard in the yyyy-MM-ddTHH:mm:ssZ format. The time must be in UTC.",
        "CreateTimeStart": "The start time of the period during which the orders were created. By default, orders within the last hour are queried. Specify the time in the ISO 8601 standard in the yyyy-MM-ddTHH:mm:ssZ format. The time must be in UTC.",
        "OrderType": "The type of the order. Valid values:\n\n*   New: purchases an instance.\n*   Renew: renews an instance.\n*   Upgrade: upgrades the configurations of an instance.\n*   Refund: applies for a refund.",
        "PageNum": "The page number of the page to return.",
        "PageSize": "The number of entries to return per page.",
        "PaymentStatus": "The status of payment. Valid values for a non-refund order:\n\n*   Unpaid: The order is not paid.\n*   Paid: The order is paid.\n*   Cancelled: The order is canceled.\n\n> : You can set this parameter to NULL for a refund order.",
        "ProductCode": "The code of the service.",
        "ProductType": "The type of the service.",
        "SubscriptionType": "The billing method. Valid values:\n\n*   Subscription: subscription\n*   PayAsYouGo: pay-as-you-go"
      },
      "summary": "Queries the orders of your Alibaba Cloud account or distributors. By default, orders within the last hour are queried. To query earlier orders, specify the CreateTimeStart and CreateTimeEnd parameters.",
      "response": {
        "type": "object",
        "properties": {
          "Code": {
            "description": "The status code.",
            "type": "string"
          },
          "Data": {
            "description": "The message returned.",
            "type": "object",
            "properties": {
              "HostName": {
                "description": "The hostname.",
                "type": "string"
              },
              "OrderList": {
                "description": "The orders returned.",
                "type": "object",
                "properties": {
                  "Order": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "properties": {
                        "AfterTaxAmount": {
                          "description": "The aftertax amount of the order.",
                          "type": "string"
                        },
                        "CommodityCode": {
                          "description": "The service code.",
                          "type": "string"
                        },
                        "CreateTime": {
                          "description": "The time when the order was created.",
                          "type": "string"
                        },
                        "Currency": {
                          "description": "The currency.",
                          "type": "string"
                        },
                        "OrderId": {
                          "description": "The ID of the order.",
                          "type": "string"
                        },
                        "OrderType": {
                          "description": "The type of the order. Valid values:\n\n*   New: purchases an instance.\n*   Renew: renews an instance.\n*   Upgrade: upgrades the configurations of an instance.\n*   Refund: applies for a refund.",
                          "type": "string"
                        },
                        "PaymentCurrency": {
                          "description": "The currency of payment.",
                          "type": "string"
                        },
                        "PaymentStatus": {
                          "description": "The status of payment. Valid values for a non-refund order:\n\n*   Unpaid: The order is not paid.\n*   Paid: The order is paid.\n*   Cancelled: The order is canceled.\n\n> : The value is NULL for a refund order.",
                          "type": "string"
                        },
                        "PaymentTime": {
                          "description": "The time of payment.",
                          "type": "string"
                        },
                        "PretaxAmount": {
                          "description": "The pretax amount of the order.",
                          "type": "string"
                        },
                        "PretaxAmountLocal": {
                          "description": "The pretax amount of the order in local currency.",
                          "type": "string"
                        },
                        "PretaxGrossAmount": {
                          "description": "The pretax gross amount of the order.",
                          "type": "string"
                        },
                        "ProductCode": {
                          "description": "The code of the main service.",
                          "type": "string"
                        },
                        "ProductType": {
                          "description": "The type of the main service.",
                          "type": "string"
                        },
                        "RelatedOrderId": {
                          "description": "The ID of the associated order.",
                          "type": "string"
                        },
                        "SubscriptionType": {
                          "description": "The billing method. Valid values:\n\n*   Subscription: subscription\n*   PayAsYouGo: pay-as-you-go",
                          "type": "string"
                        },
                        "Tax": {
                          "description": "The tax of the order.",
                          "type": "string"
                        }
                      }
                    }
                  }
                }
              },
              "PageNum": {
                "description": "The page number of the returned page.",
                "type": "number"
              },
              "PageSize": {
                "description": "The number of entries returned per page.",
                "type": "number"
              },
              "TotalCount": {
                "description": "The total number of returned entries.",
                "type": "number"
              }
            }
          },
          "Message": {
            "description": "The error message returned.",
            "type": "string"
          },
          "RequestId": {
            "description": "The ID of the request.",
            "type": "string"
          },
          "Success": {
            "description": "Indicates whether the request was successful.",
            "type": "boolean"
          }
        }
      }
    },
    "RenewInstance": {
      "params": {
        "ClientToken": "The client token that is used to ensure the idempotence of the request.",
        "InstanceId": "The ID of the instance\n\nThis parameter is required.",
        "ProductCode": "The code of the service to which the instance belongs.\n\nThis parameter is required.",
        "ProductType": "The type of the service.",
        "RenewPeriod": "The duration of the subscription renewal. Unit: months. Valid values:\n\n*   1 to 9\n*   12\n*   24\n*   36\n\nThis parameter is required."
      },
      "summary": "Renews a specified instance. You cannot call this operation to renew Elastic Compute Service (ECS) instances, ApsaraDB RDS instances, or ApsaraDB for Redis instances. To renew these types of instances, call the dedicated operation of the corresponding service.",
      "response": {
        "type": "object",
        "properties": {
          "Code": {
            "description": "The status code.",
            "type": "string"
          },
          "Data": {
            "description": "The data returned.",
            "type": "object",
            "properties": {
              "OrderId": {
                "description": "The ID of the order.",
                "type": "string"
              }
            }
          },
          "Message": {
            "description": "The error message returned.",
            "type": "string"
          },
          "RequestId": {
            "description": "The ID of the request.",
            "type": "string"
          },
          "Success": {
            "description": "Indicates whether the request was successful.",
            "type": "boolean"
          }
        }
      }
    },
    "SetRenewal": {
      "params": {
        "InstanceIDs": "The ID of the instance. You can enable auto-renewal for up to 100 subscription instances at a time. Separate multiple instance IDs with commas (,).\n\nThis parameter is required.",
        "ProductCode": "The code of the service.\n\nThis parameter is required.",
        "ProductType": "The type of the service.",
        "RenewalPeriod": "The auto-renewal period. Valid values:\n\n*   1\n*   2\n*   3\n*   6\n*   12\n\n>  This parameter is required if the RenewalStatus parameter is set to AutoRenewal.",
        "RenewalPeriodUnit": "The unit of the auto-renewal period. Valid values:\n\n*   M: months\n*   Y: years\n\n>  This parameter is required if the RenewalStatus parameter is set to AutoRenewal.",
        "RenewalStatus": "The status of renewal. Valid values:\n\n*   AutoRenewal: The instance is automatically renewed.\n*   ManualRenewal: The instance is manually renewed.\n*   NotRenewal: The instance is not renewed.\n\nThis parameter is required.",
        "SubscriptionType": "The billing method. Valid values:\n\n*   Subscription: subscription\n*   PayAsYouGo: pay-as-you-go"
      },
      "summary": "Enables auto-renewal for an instance.",
      "response": {
        "type": "object",
        "properties": {
          "Code": {
            "description": "The status code.",
            "type": "string"
          },
          "Message": {
            "description": "The error message returned.",
            "type": "string"
          },
          "RequestId": {
            "description": "The ID of the request.",
            "type": "string"
          },
          "Success": {
            "description": "Indicates whether the request was successful.",
            "type": "boolean"
          }
        }
      }
    }
  }
};
