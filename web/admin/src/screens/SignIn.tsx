import { setCsrfToken, type AccountSummary } from '../api';
import { SignInForm } from '../../../shared/SignInForm';

/**
 * Sign-in to administration: the shared two-step form (password, then the authenticator code
 * when the API asks for it); the CSRF token is kept for this tab.
 */
export function SignIn({ onSignedIn, initialAddress = '', notice }: { onSignedIn: (a: AccountSummary) => void; initialAddress?: string; notice?: string | null }) {
  return (
    <SignInForm<AccountSummary>
      title="Sign in to administration"
      initialAddress={initialAddress}
      notice={notice}
      footer="For administrators of organisations on the national Wardpost service. Every action is recorded in the audit log."
      onSignedIn={(r) => {
        setCsrfToken(r.csrf);
        onSignedIn(r.account);
      }}
    />
  );
}
