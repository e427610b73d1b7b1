// The A2A agent card (v1.0) of this home, from aos.yaml's sell_to_network: its sold skills with
// their tags, languages, examples and price, the one JSON-RPC interface, and the bearer scheme.
// Prices ride in an extension (A2A has no price field) and in each skill's tags, so a buyer can
// check a price before sending anything. Loaded only by `aos a2a …` (it imports the SDK).
import { A2A_PROTOCOL_VERSION, type AgentCard } from '@a2a-js/sdk';
import type { Offer } from '../core/economy/sellconfig.js';
import { formatAmount, formatPrice } from '../core/economy/money.js';

declare const AOS_VERSION: string | undefined;
const VERSION = typeof AOS_VERSION === 'string' ? AOS_VERSION : 'dev';

import { PRICE_EXTENSION } from '../core/economy/buying.js';

export function agentCard(offer: Offer, owner: string, url: string): AgentCard {
  const prices = Object.fromEntries(offer.skills.map((s) => [s.id, formatAmount(s.price.micros)]));
  return {
    name: offer.name ?? `${owner}'s aos`,
    description: offer.description ?? `Work done by ${owner}'s agents in their idle hours, for a price per job. Results are plain text; the owner's own work always comes first.`,
    supportedInterfaces: [{ url, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: A2A_PROTOCOL_VERSION }],
    provider: { organization: owner, url },
    version: VERSION,
    capabilities: {
      streaming: false,
      pushNotifications: false,
      extendedAgentCard: false,
      extensions: [{ uri: PRICE_EXTENSION, description: 'The price of one job of each skill, charged when the job is done; settled outside A2A.', required: false, params: { currency: 'USD', skills: prices } }],
    },
    securitySchemes: { bearer: { scheme: { $case: 'httpAuthSecurityScheme', value: { description: 'A client key the owner gave you, sent as a bearer token', scheme: 'Bearer', bearerFormat: '' } } } },
    securityRequirements: [{ schemes: { bearer: { list: [] } } }],
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: offer.skills.map((s) => ({
      id: s.id,
      name: s.id.replace(/[_-]+/g, ' '),
      description: s.description ?? `${s.id.replace(/[_-]+/g, ' ')}, ${formatPrice(s.price.micros, s.price.currency)} per job${s.languages.length ? ` (languages: ${s.languages.join(', ')})` : ''}`,
      tags: [...s.tags, ...s.languages.map((l) => `language:${l}`), `price:${formatPrice(s.price.micros, s.price.currency)}`],
      examples: s.examples,
      inputModes: ['text/plain'],
      outputModes: ['text/plain'],
      securityRequirements: [],
    })),
    signatures: [],
  };
}
