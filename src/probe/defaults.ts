import { type ProbeModule, parseProbeModule } from './config.js';

/**
 * Modules every Vigie user has without writing them (documented in README.md). A module of
 * `probe_modules:` with the same name replaces the built-in one. Written in blackbox.yml syntax
 * and parsed by the same schema as users' modules.
 */
const BUILT_IN: Readonly<Record<string, unknown>> = {
  http_2xx: { prober: 'http', http: { preferred_ip_protocol: 'ip4' } },
  http_post_2xx: { prober: 'http', http: { method: 'POST', preferred_ip_protocol: 'ip4' } },
  tcp_connect: { prober: 'tcp', tcp: { preferred_ip_protocol: 'ip4' } },
  tls_connect: { prober: 'tcp', tcp: { preferred_ip_protocol: 'ip4', tls: true } },
  ssh_banner: { prober: 'tcp', tcp: { preferred_ip_protocol: 'ip4', query_response: [{ expect: '^SSH-2.0-' }, { send: 'SSH-2.0-vigie-ssh-check' }] } },
  smtp_banner: { prober: 'tcp', tcp: { preferred_ip_protocol: 'ip4', query_response: [{ expect: '^220' }, { send: 'QUIT\r' }] } },
  smtp_starttls: {
    prober: 'tcp',
    tcp: {
      preferred_ip_protocol: 'ip4',
      query_response: [
        { expect: '^220' },
        { send: 'EHLO prober\r' },
        { expect: '^250[ -]STARTTLS' },
        { send: 'STARTTLS\r' },
        { expect: '^220' },
        { starttls: true },
        { send: 'EHLO prober\r' },
        { expect: '^250 ' },
        { send: 'QUIT\r' },
      ],
    },
  },
  imap_banner: { prober: 'tcp', tcp: { preferred_ip_protocol: 'ip4', query_response: [{ expect: '^\\* OK' }, { send: '. LOGOUT\r' }] } },
  imaps_banner: { prober: 'tcp', tcp: { preferred_ip_protocol: 'ip4', tls: true, query_response: [{ expect: '^\\* OK' }, { send: '. LOGOUT\r' }] } },
  pop3_banner: { prober: 'tcp', tcp: { preferred_ip_protocol: 'ip4', query_response: [{ expect: '^\\+OK' }, { send: 'QUIT\r' }] } },
  pop3s_banner: { prober: 'tcp', tcp: { preferred_ip_protocol: 'ip4', tls: true, query_response: [{ expect: '^\\+OK' }, { send: 'QUIT\r' }] } },
  icmp: { prober: 'icmp', icmp: { preferred_ip_protocol: 'ip4' } },
  // The root zone's SOA: answered by any recursive resolver (the target), so it needs no name of the user's.
  dns_udp: { prober: 'dns', dns: { preferred_ip_protocol: 'ip4', query_name: '.', query_type: 'SOA', transport_protocol: 'udp' } },
  dns_tcp: { prober: 'dns', dns: { preferred_ip_protocol: 'ip4', query_name: '.', query_type: 'SOA', transport_protocol: 'tcp' } },
};

export const DEFAULT_PROBE_MODULES: Readonly<Record<string, ProbeModule>> = Object.freeze(
  Object.fromEntries(Object.entries(BUILT_IN).map(([name, raw]) => [name, parseProbeModule(raw)])),
);
