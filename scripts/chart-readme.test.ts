import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  CHART_DIR,
  documentedValues,
  renderValuesTable,
  undocumentedValues,
  VALUES_END,
  VALUES_START,
  withValuesTable,
} from './chart-readme.ts';

const sample = [
  '# Header comment that documents nothing.',
  '',
  '# -- How many replicas.',
  'replicaCount: 2',
  'image:',
  '  # -- Image repository,',
  '  # continued on a second line.',
  '  repository: example/app',
  '  tag: ""',
  '# -- (object) Issuer reference | optional.',
  'issuerRef: {}',
  '# -- Whole map documented at once.',
  'resources:',
  '  requests:',
  '    cpu: 10m',
  'peers:',
  '  - namespaceSelector:',
  '      matchLabels:',
  '        team: a',
].join('\n');

describe('documentedValues', () => {
  it('reads the key path, type, default and the comment above each documented key', () => {
    expect(documentedValues(sample)).toEqual([
      { key: 'replicaCount', type: 'int', default: '2', description: 'How many replicas.' },
      {
        key: 'image.repository',
        type: 'string',
        default: '"example/app"',
        description: 'Image repository, continued on a second line.',
      },
      { key: 'issuerRef', type: 'object', default: '{}', description: 'Issuer reference | optional.' },
      {
        key: 'resources',
        type: 'object',
        default: '{"requests":{"cpu":"10m"}}',
        description: 'Whole map documented at once.',
      },
    ]);
  });

  it('reports leaves outside every documented subtree as undocumented', () => {
    expect(undocumentedValues(sample, documentedValues(sample))).toEqual(['image.tag', 'peers']);
  });
});

describe('renderValuesTable and withValuesTable', () => {
  it('escapes pipes and replaces only the text between the markers', () => {
    const table = renderValuesTable(documentedValues('# -- a | b\nx: "1|2"\n'));
    expect(table).toBe(
      [
        '| key | type | default | description |',
        '|---|---|---|---|',
        '| `x` | string | `"1\\|2"` | a \\| b |',
      ].join('\n'),
    );
    const readme = `intro\n${VALUES_START}\nold\n${VALUES_END}\noutro\n`;
    expect(withValuesTable(readme, 'new')).toBe(`intro\n${VALUES_START}\nnew\n${VALUES_END}\noutro\n`);
  });

  it('refuses a README without the markers', () => {
    expect(() => withValuesTable('no markers', 'x')).toThrow(/values:start/);
  });
});

describe('charts/ensign', () => {
  const valuesYaml = readFileSync(`${CHART_DIR}values.yaml`, 'utf8');
  const docs = documentedValues(valuesYaml);

  it('documents every value in values.yaml with a "# --" comment', () => {
    expect(undocumentedValues(valuesYaml, docs)).toEqual([]);
  });

  it('has a README whose values table is generated from values.yaml', () => {
    const readme = readFileSync(`${CHART_DIR}README.md`, 'utf8');
    expect(readme).toBe(withValuesTable(readme, renderValuesTable(docs)));
  });

  it('has a values.schema.json property for every documented value', () => {
    interface Schema {
      properties?: Record<string, Schema>;
    }
    const schema = JSON.parse(readFileSync(`${CHART_DIR}values.schema.json`, 'utf8')) as Schema;
    const missing = docs
      .map((d) => d.key)
      .filter((key) => {
        let node: Schema | undefined = schema;
        for (const part of key.split('.')) node = node?.properties?.[part];
        return node === undefined;
      });
    expect(missing).toEqual([]);
  });

  it('has a values.schema.json that knows no top-level value values.yaml lacks', () => {
    const schema = JSON.parse(readFileSync(`${CHART_DIR}values.schema.json`, 'utf8')) as {
      properties: object;
    };
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(parse(valuesYaml) as object).sort());
  });
});
