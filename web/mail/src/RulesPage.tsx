/**
 * Server-side rules (Sieve, RFC 5228) from the web client, over JMAP (RFC 9661 SieveScript): a
 * rule builder for the common cases (when the sender, subject or recipients contain a text: move to
 * a folder, forward, or refuse) that writes Sieve into the script, and the script itself for anyone
 * who wants more. The server checks the script when it is saved and says what is wrong.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { plainWords } from '../../shared/http';
import { ErrorSummary, Field, Loading, Notice, SubmitRow, TextArea } from '../../shared/ui';
import type { JmapClient } from './jmap/client';
import { getRules, setRules } from './jmap/mail';

type Header = 'from' | 'subject' | 'to';
type Action = 'fileinto' | 'redirect' | 'reject';

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** Adds one rule at the end of `script`, and the extension it needs to its `require` line. */
export function addRule(script: string, rule: { header: Header; contains: string; action: Action; value: string }): string {
  const need = rule.action === 'redirect' ? null : rule.action;
  let text = script.trim();
  if (need) {
    const req = /^require\s+\[([^\]]*)\];?/m.exec(text) ?? /^require\s+("[^"]*");?/m.exec(text);
    if (!req) text = `require [${quote(need)}];\n${text}`;
    else if (!req[1]!.includes(quote(need))) text = text.replace(req[0], `require [${req[1]!.replace(/^\[|\]$/g, '')}, ${quote(need)}];`);
  }
  const header = rule.header === 'to' ? 'address :contains ["to", "cc"]' : `header :contains ${quote(rule.header)}`;
  const action = rule.action === 'fileinto' ? `fileinto ${quote(rule.value)};` : rule.action === 'redirect' ? `redirect ${quote(rule.value)};` : `reject ${quote(rule.value || 'This address does not accept this mail.')};`;
  return `${text}\n\n# ${rule.header} contains "${rule.contains}"\nif ${header} ${quote(rule.contains)} {\n  ${action}\n  stop;\n}\n`.replace(/^\n+/, '');
}

export function RulesPage({ client, accountId, folders }: { client: JmapClient; accountId: string; folders: string[] }) {
  const [script, setScript] = useState<string | null>(null);
  const [existed, setExisted] = useState(false);
  const [rule, setRule] = useState<{ header: Header; contains: string; action: Action; value: string }>({ header: 'subject', contains: '', action: 'fileinto', value: folders[0] ?? 'INBOX' });
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    getRules(client, accountId).then(
      (s) => (setScript(s), setExisted(!!s.trim())),
      (e: unknown) => setError(plainWords(e)),
    );
  }, [client, accountId]);

  if (script === null) return error ? <ErrorSummary error={error} /> : <Loading what="your rules" />;

  const add = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!rule.contains.trim()) return setError('Say what the message must contain for the rule to apply.');
    if (rule.action === 'redirect' && !/^[^@\s]+@[^@\s]+$/.test(rule.value.trim())) return setError('Enter the address to forward to.');
    setScript(addRule(script, { ...rule, contains: rule.contains.trim(), value: rule.value.trim() }));
    setSaved('The rule is added below. Save your rules to turn it on.');
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(null);
    setBusy(true);
    try {
      await setRules(client, accountId, script, existed);
      setExisted(!!script.trim());
      setSaved(script.trim() ? 'Your rules are saved and apply to new mail.' : 'You have no rules now.');
    } catch (err) {
      setError(plainWords(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="settings rules">
      <h1 className="page-title">Rules</h1>
      <p className="lede">Rules sort new mail as it arrives, whichever program you read it in.</p>
      {saved ? <Notice kind="success">{saved}</Notice> : null}
      <ErrorSummary error={error} />
      <form onSubmit={add} noValidate aria-label="Add a rule" className="rules__builder">
        <h2 className="rules__heading">Add a rule</h2>
        <div className="field">
          <label className="field__label" htmlFor="rule-header">
            When the
          </label>
          <select id="rule-header" className="input" value={rule.header} onChange={(e) => setRule({ ...rule, header: e.target.value as Header })}>
            <option value="subject">subject</option>
            <option value="from">sender</option>
            <option value="to">recipients (To or Cc)</option>
          </select>
        </div>
        <Field label="contains" value={rule.contains} onChange={(e) => setRule({ ...rule, contains: e.target.value })} />
        <div className="field">
          <label className="field__label" htmlFor="rule-action">
            then
          </label>
          <select id="rule-action" className="input" value={rule.action} onChange={(e) => setRule({ ...rule, action: e.target.value as Action, value: e.target.value === 'fileinto' ? (folders[0] ?? 'INBOX') : '' })}>
            <option value="fileinto">move it to the folder</option>
            <option value="redirect">forward it to</option>
            <option value="reject">refuse it, saying</option>
          </select>
        </div>
        {rule.action === 'fileinto' ? (
          <div className="field">
            <label className="field__label" htmlFor="rule-folder">
              Folder
            </label>
            <select id="rule-folder" className="input" value={rule.value} onChange={(e) => setRule({ ...rule, value: e.target.value })}>
              {folders.map((f) => (
                <option key={f} value={f}>
                  {f}
                </option>
              ))}
            </select>
          </div>
        ) : (
          <Field label={rule.action === 'redirect' ? 'Address' : 'Reason given to the sender'} value={rule.value} onChange={(e) => setRule({ ...rule, value: e.target.value })} />
        )}
        <SubmitRow label="Add rule" secondary />
      </form>
      <form onSubmit={save} noValidate aria-label="Your rules">
        <TextArea id="rules-script" label="Your rules (Sieve)" hint="Written for you by “Add rule”; you can also edit it by hand (RFC 5228: fileinto, redirect, reject, vacation)." rows={14} value={script} onChange={setScript} />
        <SubmitRow label="Save rules" disabled={busy} />
      </form>
    </div>
  );
}
