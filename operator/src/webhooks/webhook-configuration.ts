// The webhooks[] of the MutatingWebhookConfiguration: the single source of truth the Helm chart
// renders and its test compares against. No caBundle: the operator (or cert-manager's cainjector)
// fills it in, so GitOps tools never see a diff they would fight over.
import { ANNOTATIONS, NAMESPACE_LABEL, NAMESPACE_LABEL_VALUE } from './injection-names.ts';

export interface InjectionWebhooksOptions {
  readonly serviceName: string;
  readonly serviceNamespace: string;
  readonly operatorNamespace: string;
  readonly failurePolicy: 'Ignore' | 'Fail';
  readonly timeoutSeconds: number;
  /** Default `/inject`. */
  readonly path?: string;
}

export const INJECT_PATH = '/inject';
export const WEBHOOK_PORT = 9443;

interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values?: readonly string[];
}

export interface MatchCondition {
  readonly name: string;
  readonly expression: string;
}

export interface MutatingWebhook {
  readonly name: string;
  readonly admissionReviewVersions: readonly ['v1'];
  readonly clientConfig: {
    readonly service: {
      readonly name: string;
      readonly namespace: string;
      readonly path: string;
      readonly port: number;
    };
  };
  readonly rules: readonly {
    readonly apiGroups: readonly string[];
    readonly apiVersions: readonly string[];
    readonly operations: readonly string[];
    readonly resources: readonly string[];
    readonly scope: 'Namespaced';
  }[];
  readonly namespaceSelector: { readonly matchExpressions: readonly LabelSelectorRequirement[] };
  readonly matchConditions: readonly MatchCondition[];
  readonly failurePolicy: 'Ignore' | 'Fail';
  readonly matchPolicy: 'Equivalent';
  readonly sideEffects: 'None';
  readonly timeoutSeconds: number;
  readonly reinvocationPolicy: 'IfNeeded';
}

/** CEL: the annotation `key` equals `value` (annotations may be absent altogether). */
function annotationIs(key: string, value: string): string {
  return `has(object.metadata.annotations) && '${key}' in object.metadata.annotations && object.metadata.annotations['${key}'] == '${value}'`;
}

function annotationPresent(key: string): string {
  return `has(object.metadata.annotations) && '${key}' in object.metadata.annotations`;
}

const NOT_INJECTED: MatchCondition = {
  name: 'not-injected',
  expression: `!(${annotationIs(ANNOTATIONS.injected, 'true')})`,
};
const NOT_MIRROR: MatchCondition = {
  name: 'not-mirror-pod',
  expression: `!(${annotationPresent(ANNOTATIONS.mirror)})`,
};

export function injectionWebhooks(options: InjectionWebhooksOptions): MutatingWebhook[] {
  const excluded: LabelSelectorRequirement = {
    key: 'kubernetes.io/metadata.name',
    operator: 'NotIn',
    values: [...new Set(['kube-system', options.operatorNamespace])],
  };
  const common = {
    admissionReviewVersions: ['v1'] as const,
    clientConfig: {
      service: {
        name: options.serviceName,
        namespace: options.serviceNamespace,
        path: options.path ?? INJECT_PATH,
        port: WEBHOOK_PORT,
      },
    },
    rules: [
      {
        apiGroups: [''],
        apiVersions: ['v1'],
        operations: ['CREATE'],
        resources: ['pods'],
        scope: 'Namespaced' as const,
      },
    ],
    failurePolicy: options.failurePolicy,
    matchPolicy: 'Equivalent' as const,
    sideEffects: 'None' as const,
    timeoutSeconds: options.timeoutSeconds,
    reinvocationPolicy: 'IfNeeded' as const,
  };
  return [
    {
      // Pods annotated ensign.dev/inject: "true", in any namespace but the excluded ones.
      name: 'pods.inject.ensign.dev',
      ...common,
      namespaceSelector: { matchExpressions: [excluded] },
      matchConditions: [
        { name: 'opted-in', expression: annotationIs(ANNOTATIONS.inject, 'true') },
        NOT_INJECTED,
        NOT_MIRROR,
      ],
    },
    {
      // Every pod of a namespace labelled ensign.dev/inject=enabled that did not opt out (or in:
      // annotated pods are the first webhook's).
      name: 'namespaces.inject.ensign.dev',
      ...common,
      namespaceSelector: {
        matchExpressions: [
          { key: NAMESPACE_LABEL, operator: 'In', values: [NAMESPACE_LABEL_VALUE] },
          excluded,
        ],
      },
      matchConditions: [
        {
          name: 'not-annotated',
          expression: `!(${annotationIs(ANNOTATIONS.inject, 'false')}) && !(${annotationIs(ANNOTATIONS.inject, 'true')})`,
        },
        NOT_INJECTED,
        NOT_MIRROR,
      ],
    },
  ];
}
