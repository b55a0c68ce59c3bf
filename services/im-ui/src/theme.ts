// Element's look for every page of the bundle (the IM and the workspace page): Inter and
// Inconsolata, Compound's design tokens and components, then the IM's layout styles.
import "@fontsource/inter/400.css";
import "@fontsource/inter/500.css";
import "@fontsource/inter/600.css";
import "@fontsource/inconsolata/400.css";
import "@vector-im/compound-design-tokens/assets/web/css/compound-design-tokens.css";
import "@vector-im/compound-web/dist/style.css";
import "./styles.css";
